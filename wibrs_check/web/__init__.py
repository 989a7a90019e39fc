"""The web layer of ``wibrs-check serve``: pages for agency clerks and a JSON API for vendors.

``app`` wires the routes; ``checks`` runs the same runner as ``wibrs-check check`` in a
worker thread; ``uploads`` puts uploaded files (and zip members) on disk safely; ``views``
shapes results and the flowchart for the templates. No rule lives here.
"""
