"""The console's pages, one module per area: sign-in, runs, transfers, benchmarks, audit,
administration."""
