"""The problems of bad input in words, in en, ru and kk: file, row, column and message.

A `Problem` keeps its message in English (the API's `detail` and the tests match on it) and,
when it comes from a checked table, the id of that message in the gettext domain `data` and
the values it names, so that the command (`--lang`), the service (`?lang=`) and the console
say it in the reader's language. The English message is the English catalogue's text: one
source for each sentence in each language.
"""

from __future__ import annotations

import logging

from optimizer.domain import Problem
from optimizer.i18n import FALLBACK, Translator, translator
from optimizer.rules import RULES, rule_citation, rule_name, rule_wording

DOMAIN = "data"
"""The gettext domain of the input problems (`optimizer/locale/<lang>/LC_MESSAGES/data.po`)."""

PLACEMENT_RULE = "placement.rule"
"""The key of a standing placement that a rule forbids: the rule's words from its catalogue,
the rule itself by its id in English (the data's word) and by its name in other languages."""

SENTENCE = "sentence"
"""The key of a sentence the law does not allow: its words come from the rules' catalogue."""


def problem(
    file: str, row: int | None, column: str | None, key: str, /, **fields: object
) -> Problem:
    """A problem whose message is the `data` catalogue's `key`, filled with `fields`."""
    items = tuple(fields.items())
    return Problem(
        file, row, column, _message(translator(DOMAIN, FALLBACK), key, items), key, items
    )


def sentence_problem(file: str, row: int, column: str | None, rule_id: str) -> Problem:
    """A sentence that the rule `rule_id` does not allow, with the rule's words and source."""
    return problem(file, row, column, SENTENCE, rule=rule_id)


def notice(key: str, /, **fields: object) -> dict[str, object]:
    """The `extra` of a logged notice: its id in the `data` catalogue and its fields, so that
    a command can say it in its language (`localised_notice`)."""
    return {"data_key": key, "data_fields": fields}


def localised_notice(record: logging.LogRecord, lang: str) -> bool:
    """A logging filter: say a logged notice (`notice`) in `lang`, in place; every record,
    translated or not, is kept."""
    key = getattr(record, "data_key", None)
    if key is not None:
        record.msg = translator(DOMAIN, lang)(key, **getattr(record, "data_fields", {}))
        record.args = ()
    return True


def problem_message(item: Problem, lang: str) -> str:
    """The problem's message in `lang` (in English when it has no catalogue id)."""
    if item.key is None:
        return item.message
    return _message(translator(DOMAIN, lang), item.key, item.fields)


def problem_text(item: Problem, lang: str) -> str:
    """Where and what, in `lang`: the English is `str(problem)` ("file, row 3, column age: ...")."""
    say = translator(DOMAIN, lang)
    where = item.file
    if item.row is not None:
        where += say("where.row", row=item.row)
    if item.column is not None:
        where += say("where.column", column=item.column)
    return say("problem", where=where, message=problem_message(item, lang))


def _message(say: Translator, key: str, fields: tuple[tuple[str, object], ...]) -> str:
    values = dict(fields)
    if key == SENTENCE:
        rule_id = str(values["rule"])
        lang = say.lang.value
        wording = rule_wording(rule_id, lang).rstrip(".")
        source = RULES[rule_id].legal_source if lang == FALLBACK else rule_citation(rule_id, lang)
        values = {"wording": wording, "source": source, "rule": rule_id}
    if key == PLACEMENT_RULE:
        rule_id = str(values["rule"])
        lang = say.lang.value
        rule = rule_id if lang == FALLBACK else rule_name(rule_id, lang)
        values |= {"wording": rule_wording(rule_id, lang), "rule": rule}
    return say(key, **values)
