"""Stub sanity (no type checker needed): the .pyi files parse, and they and the runtime
name the same things."""

import ast
import inspect
import os

import pytest

import wssx
from wssx import _errors, _native

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
            want = [a.arg for a in node.args.args + node.args.kwonlyargs]
            got = list(inspect.signature(obj).parameters)
            assert want == got, name


def test_native_class_method_signatures():
    tree = _stub("_native.pyi")
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(_native, node.name)
        for fn in node.body:
            if not isinstance(fn, ast.FunctionDef) or fn.name.startswith("__"):
                continue
            decorators = {d.id if isinstance(d, ast.Name) else getattr(d, "attr", "") for d in fn.decorator_list}
            if "property" in decorators or "setter" in decorators:
                assert isinstance(inspect.getattr_static(cls, fn.name), (property, type(wssx.DerivedKeyToken.id))), fn.name
                continue
            want = [a.arg for a in fn.args.args + fn.args.kwonlyargs][1:]  # without self / cls
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


def test_package_exports():
    for name in wssx.__all__:
        assert hasattr(wssx, name), name
    natives = _top_names(_stub("_native.pyi"))
    errors = _top_names(_stub("_errors.pyi"))
    for name in wssx.__all__:
        assert name in natives or name in errors or name == "inspect", name
    assert isinstance(wssx.__version__, str) and wssx.__version__.count(".") == 2


@pytest.mark.parametrize("obj", [wssx, wssx.derive_key, wssx.computed_key, wssx.p_sha1, wssx.random_bytes,
                                 wssx.inspect, wssx.ScVersion, wssx.SecurityContextToken, wssx.DerivedKeyToken,
                                 wssx.DerivedKeyToken.derive, wssx.DerivedKeyToken.for_context,
                                 wssx.SecurityContextToken.from_xml, wssx.WssxError, wssx.LimitExceededError])
def test_docstrings(obj):
    assert obj.__doc__ and len(obj.__doc__.strip()) > 20
