"""QA evaluation: scenario loader (../shared/EVAL_FORMAT.md), world builder, runner, metrics,
reports and the bundled scenario suites.

Imports: `nightshift` (to build the same app and pipeline a shopper reaches) and `crm_store`.
Nothing else imports `evals`.
"""
