"""Follow-up after the afternoon: the months where synergies actually happen.

Plain rules (``dates``, ``impact``, ``asof``, ``figures``), then the use
cases through the store + journal (``service``), documents (``relances``,
``report_pdf``, ``charts``), reminders by e-mail (``mail``) and the
territory view across workshops (``territory``).
"""
