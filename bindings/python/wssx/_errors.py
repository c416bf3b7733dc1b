"""The wssx exceptions: a base class and one subclass per core error kind.

The subclasses are generated from the native module's ``ERROR_KINDS`` (core's
``ErrorKind::ALL``), so every kind core can report has its class. The native code raises
them by looking the kind up in ``_BY_KIND``.
"""

from types import MappingProxyType
from typing import Dict, List, Mapping, Optional, Tuple, Type

from . import _native

__all__: List[str] = ["WssxError", "ERROR_CLASSES"]


class WssxError(Exception):
    """Base class of every error wssx reports.

    Attributes:
        kind: the core error kind name, e.g. ``"LimitExceeded"`` (also a class attribute of
            each subclass; ``None`` on this base class).
        fault_code: ``(prefix, local name)`` of the WS-Trust (``"wst"``) or
            WS-SecureConversation (``"wsc"``) SOAP fault this kind maps to, e.g.
            ``("wsc", "BadContextToken")``.
        path: the element or field at fault, e.g. ``"wsc:DerivedKeyToken/wsc:Offset"``;
            empty when the error is not tied to one.
        message: the message without the path.

    ``str(e)`` is ``"path: message"`` (or the message alone when there is no path).
    """

    kind: Optional[str] = None
    fault_code: Optional[Tuple[str, str]] = None

    def __init__(self, message: str = "", *, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def __repr__(self) -> str:
        if self.path:
            return f"{type(self).__name__}({self.message!r}, path={self.path!r})"
        return f"{type(self).__name__}({self.message!r})"


WssxError.__module__ = "wssx"


def _class_name(kind: str) -> str:
    return kind if kind.endswith("Error") else kind + "Error"


_BY_KIND: Dict[str, Type[WssxError]] = {}

for _kind, _spec, _local in _native.ERROR_KINDS:
    _name = _class_name(_kind)
    # Core's InvalidArgument is a bad value passed by the caller: also a ValueError, as
    # Python code expects.
    _bases: Tuple[type, ...] = (WssxError, ValueError) if _kind == "InvalidArgument" else (WssxError,)
    _fault = f"{_spec}:{_local}" if _spec else None
    _doc = f"The ``{_kind}`` error kind" + (f" (SOAP fault ``{_fault}``)." if _fault else ".")
    _cls = type(
        _name,
        _bases,
        {
            "__module__": "wssx",
            "__qualname__": _name,
            "__doc__": _doc,
            "kind": _kind,
            "fault_code": (_spec, _local) if _spec else None,
        },
    )
    globals()[_name] = _cls
    _BY_KIND[_kind] = _cls
    __all__.append(_name)

#: Error kind name (``"LimitExceeded"``) to its exception class (``LimitExceededError``).
ERROR_CLASSES: Mapping[str, Type[WssxError]] = MappingProxyType(_BY_KIND)

del _kind, _spec, _local, _name, _bases, _fault, _doc, _cls
