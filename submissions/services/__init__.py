"""The workflow steps of a submission, one module per concern.

- `workflow`: the one primitive that moves a submission along the transition table.
- `campaigns`: opening a campaign, and marking it published.
- `entry`: the unit's answers, evidence, comments and Excel import.
- `approval`: the approval chain's steps, reopening entry, notifications.
- `appraisal`: the appraiser's decisions, the unit's replies, settling contested leaves, assignment.
- `authority_values`: the figures the authority supplies, one by one or from a sheet.
- `expert_panel`: a unit's expert panel and the mean of its scores.
- `exclusions`: coverage of each leaf and leaves taken out of a campaign.

Each step is one function with keyword-only arguments, in one transaction, locking the rows it
changes and writing its history row in the same transaction.
"""
