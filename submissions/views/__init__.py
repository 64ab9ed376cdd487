"""The submission stage's pages, one module per concern: entry, appraisal, authority values, the
expert panel, exclusions."""
