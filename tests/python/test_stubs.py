"""Stub sanity (no type checker needed): the .pyi files parse, and they and the runtime
name the same things."""

import ast
import inspect
import os

import pytest

import wssx
from wssx import _errors, _message, _native

PKG = os.path.dirname(wssx.__file__)


def _stub(name):
    path = os.path.join(PKG, name)
    assert os.path.isfile(path), f"{name} is not installed beside the package"
    with open(path, encoding="utf-8") as f:
        src = f.read()
    tree = ast.parse(src, filename=path)
    compile(src, path, "exec", dont_inherit=True)
    return tree


def _top_names(tree):
    names = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    names[t.id] = node
    return {n: v for n, v in names.items() if not (n.startswith("_") and not n.startswith("__")) and n != "__all__"}


def _members(cls_node):
    out = set()
    for node in cls_node.body:
        if isinstance(node, ast.FunctionDef):
            out.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.add(node.target.id)
    return out


def _params(fn):
    """Parameter names of a stubbed function in signature order (``*args`` / ``**kw`` too)."""
    a = fn.args
    names = [x.arg for x in a.posonlyargs + a.args]
    if a.vararg:
        names.append(a.vararg.arg)
    names += [x.arg for x in a.kwonlyargs]
    if a.kwarg:
        names.append(a.kwarg.arg)
    return names


def _public(obj):
    return {n for n in dir(obj) if not n.startswith("_")}


def test_py_typed_is_installed():
    assert os.path.isfile(os.path.join(PKG, "py.typed"))


def test_native_stub_matches_runtime():
    names = _top_names(_stub("_native.pyi"))
    runtime = {n for n in dir(_native) if not n.startswith("_")} | {"__version__"}
    assert set(names) == runtime
    for name, node in names.items():
        obj = getattr(_native, name)
        if isinstance(node, ast.ClassDef):
            stubbed = {m for m in _members(node) if not m.startswith("_")}
            assert stubbed == _public(obj), name
        elif isinstance(node, ast.FunctionDef):
            # parameter names and order agree with the runtime signature
            assert _params(node) == list(inspect.signature(obj).parameters), name


def test_native_class_method_signatures():
    tree = _stub("_native.pyi")
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):  # private Protocols have no runtime twin
            continue
        cls = getattr(_native, node.name)
        for fn in node.body:
            if not isinstance(fn, ast.FunctionDef) or fn.name.startswith("__"):
                continue
            decorators = {d.id if isinstance(d, ast.Name) else getattr(d, "attr", "") for d in fn.decorator_list}
            if "property" in decorators or "setter" in decorators:
                assert isinstance(inspect.getattr_static(cls, fn.name), (property, type(wssx.DerivedKeyToken.id))), fn.name
                continue
            want = _params(fn) if "staticmethod" in decorators else _params(fn)[1:]  # without self / cls
            got = [p for p in inspect.signature(getattr(cls, fn.name)).parameters if p != "self"]
            assert want == got, f"{node.name}.{fn.name}"


def test_errors_stub_matches_runtime():
    tree = _stub("_errors.pyi")
    names = _top_names(tree)
    assert set(names) == set(_errors.__all__)
    stub_all = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "__all__")
    assert [e.value for e in stub_all.value.elts] == list(_errors.__all__)
    for name, node in names.items():
        obj = getattr(wssx, name)
        if isinstance(node, ast.ClassDef) and name != "WssxError":
            stub_bases = [b.id for b in node.bases]
            assert stub_bases == [b.__name__ for b in obj.__bases__], name


# Defined in Python (typed inline, no stub needed).
PURE_PYTHON = {"inspect", "trust_inspect", *_message.__all__}


def test_package_exports():
    for name in wssx.__all__:
        assert hasattr(wssx, name), name
    natives = _top_names(_stub("_native.pyi"))
    errors = _top_names(_stub("_errors.pyi"))
    for name in wssx.__all__:
        assert name in natives or name in errors or name in PURE_PYTHON, name
    assert isinstance(wssx.__version__, str) and wssx.__version__.count(".") == 2


def test_pure_python_functions_are_annotated():
    for name in PURE_PYTHON:
        sig = inspect.signature(getattr(wssx, name))
        assert sig.return_annotation is not inspect.Signature.empty, name
        for p in sig.parameters.values():
            assert p.annotation is not inspect.Parameter.empty, f"{name}({p.name})"


@pytest.mark.parametrize("fn", [wssx.sign, wssx.encrypt, wssx.sign_and_encrypt])
def test_protect_wrappers_forward_every_option(fn):
    # The wrappers take exactly the native engine's options (minus the protection kind,
    # and order for the one-operation wrappers), all keyword-only.
    native = [a.arg for a in next(n for n in _stub("_native.pyi").body
                                  if isinstance(n, ast.FunctionDef) and n.name == "protect").args.kwonlyargs]
    params = inspect.signature(fn).parameters
    assert list(params)[:3] == ["envelope", "sct", "secret"]
    kwonly = [n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    want = set(native) - ({"order"} if fn is not wssx.sign_and_encrypt else set())
    assert set(kwonly) == want
    assert set(params) == {"envelope", "sct", "secret", *kwonly}


@pytest.mark.parametrize("obj", [wssx, wssx.derive_key, wssx.computed_key, wssx.p_sha1, wssx.random_bytes,
                                 wssx.inspect, wssx.ScVersion, wssx.SecurityContextToken, wssx.DerivedKeyToken,
                                 wssx.DerivedKeyToken.derive, wssx.DerivedKeyToken.for_context,
                                 wssx.SecurityContextToken.from_xml, wssx.WssxError, wssx.LimitExceededError,
                                 wssx.sign, wssx.encrypt, wssx.sign_and_encrypt, wssx.verify, wssx.c14n,
                                 wssx.AlgorithmSuite, wssx.VerifyReport, wssx.SignedPart, wssx.DecryptedPart,
                                 wssx.VerifyReport.is_signed, wssx.VerifyReport.signer_of, _native.protect,
                                 wssx.trust_inspect, wssx.TrustVersion, wssx.SecurityTokenReference,
                                 wssx.RequestSecurityToken, wssx.RequestSecurityTokenResponse,
                                 wssx.RequestSecurityTokenResponseCollection, wssx.Envelope, wssx.Envelope.wrap,
                                 wssx.Envelope.message, wssx.Fault, wssx.Fault.from_error, wssx.RequestorConfig,
                                 wssx.Requestor, wssx.Requestor.call, wssx.Requestor.renew, wssx.OutgoingRequest,
                                 wssx.Pending, wssx.Pending.finish, wssx.Outcome, wssx.SecurityContext,
                                 wssx.SecurityContext.should_renew, wssx.StoredContext, wssx.MemoryStore,
                                 wssx.TokenService, wssx.TokenService.handle, wssx.TokenService.verify_message,
                                 wssx.ServiceResponse, wssx.Negotiation, wssx.Negotiation.step,
                                 wssx.Requestor.negotiate, wssx.Requestor.key_exchange_token,
                                 wssx.SecurityContext.create, wssx.SecurityContext.propagate,
                                 wssx.TokenService.accept_unsolicited])
def test_docstrings(obj):
    assert obj.__doc__ and len(obj.__doc__.strip()) > 20
