"""Flow studies (*études de flux*): resource sheets recorded outside a workshop, from a company visit.

The model: a visit (who was visited, when, by whom, from what source) is a record of a workshop file,
and its sheets are ordinary sheets with a ``visit_id``. A territory keeps its visits in a workshop file
of ``kind = "flow_study"`` (its *carnet d'études de flux*), created from any workshop by its organiser;
a visit may also be recorded in a workshop's own file after the afternoon. Either way the file has one
writer (the server's store), every write is one transaction with its journal events, and the sheets
join that file's suggestions (``app.services.suggestions``) and the territory view's resource base and
cross-file suggestions (:mod:`app.flowstudy.suggest`), which only read the files.
"""
