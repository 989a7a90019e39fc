"""Rule modules, one per family of edits. Importing them fills the registry."""

import importlib
import pkgutil

_LOADED = False


def load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    for module in pkgutil.iter_modules(__path__):
        if module.name not in {"registry", "base", "history_facts"}:  # history_facts: see history.py
            importlib.import_module(f"{__name__}.{module.name}")
    _LOADED = True
