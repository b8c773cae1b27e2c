"""The public contract: pydantic request and response models, and conversions from store rows.

Convict records are typed loosely on purpose: the engine's `validate_convicts` checks them, so
the API reports exactly the problems (file, row, column, message) that the CLI reports. The
status vocabularies are `api.status`'s enums.
"""

from api.schemas.audit import (
    AuditEntryPublic,
    AuditPage,
    AuditVerification,
)
from api.schemas.benchmarks import (
    BenchmarkCreate,
    BenchmarkMode,
    BenchmarkPublic,
    BenchmarksPage,
    PolicyName,
    ReportFormat,
)
from api.schemas.campaigns import (
    TransferCampaignCreate,
    TransferCampaignPublic,
    TransferCampaignWeek,
)
from api.schemas.common import (
    ErrorPublic,
    Health,
    Language,
    ProblemPublic,
    ProblemsPublic,
    Scalar,
)
from api.schemas.network import (
    FacilityPublic,
    OccupancyUpdate,
    RegionPublic,
)
from api.schemas.runs import (
    ConvictRecord,
    ExplanationPublic,
    PlacementPublic,
    PlacementsPage,
    RunCreate,
    RunPublic,
    RunsPage,
)
from api.schemas.transfers import (
    TransferAppealCreate,
    TransferApprovalCreate,
    TransferDecisionCreate,
    TransferDecisionPublic,
    TransferRequestCreate,
    TransferRequestPublic,
    TransferRequestsPage,
)
from api.status import BenchmarkStatus, RunStatus, TransferStatus

__all__ = [
    "AuditEntryPublic",
    "AuditPage",
    "AuditVerification",
    "BenchmarkCreate",
    "BenchmarkMode",
    "BenchmarkPublic",
    "BenchmarkStatus",
    "BenchmarksPage",
    "ConvictRecord",
    "ErrorPublic",
    "ExplanationPublic",
    "FacilityPublic",
    "Health",
    "Language",
    "OccupancyUpdate",
    "PlacementPublic",
    "PlacementsPage",
    "PolicyName",
    "ProblemPublic",
    "ProblemsPublic",
    "RegionPublic",
    "ReportFormat",
    "RunCreate",
    "RunPublic",
    "RunStatus",
    "RunsPage",
    "Scalar",
    "TransferAppealCreate",
    "TransferApprovalCreate",
    "TransferCampaignCreate",
    "TransferCampaignPublic",
    "TransferCampaignWeek",
    "TransferDecisionCreate",
    "TransferDecisionPublic",
    "TransferRequestCreate",
    "TransferRequestPublic",
    "TransferRequestsPage",
    "TransferStatus",
]
