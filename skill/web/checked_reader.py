"""A request envelope checked against SHAPE and read into ASK's models in one walk.

`envelope_problem` then `from_data` walk a request twice; here the model readers check each
field SHAPE rules on as they read it. Only a request that passes every check is read this way:
anything doubtful (a problem, a type that is not JSON's own, a value ASK cannot read) gives
None, and the caller asks the two walks, which say why, word for word as before.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_model import RequestEnvelope
from ask_sdk_model.request import Request

from backcoach.skill.web.envelope_shape import NOT_EMPTY, TREE, Node, must, walk
from backcoach.skill.web.serializer import EnvelopeSerializer, Reader, _free_name, _json_keys

_KINDS = Request.discriminator_value_class_map
_NOT_EMPTY = tuple(tuple(path.split(".")) for path in NOT_EMPTY)


class Doubt(Exception):
    """The one walk is not sure: the two walks decide (and word the reason)."""


class CheckedReader(EnvelopeSerializer):
    """EnvelopeSerializer that can also check and read a request envelope in one walk."""

    def __init__(self) -> None:
        super().__init__()
        self._checked: dict[tuple, Reader] = {}
        """(declared type, id of its SHAPE node, request type) -> a reader that checks too."""

    def read_checked(self, envelope: object) -> RequestEnvelope | None:
        """The envelope as ASK's RequestEnvelope if `envelope_problem` finds nothing wrong
        with it and `from_data` reads it; None if either might not (then ask them)."""
        if type(envelope) is not dict:
            return None
        request = envelope.get("request")
        kind = request.get("type") if type(request) is dict else None
        if type(kind) is not str or kind not in _KINDS:
            return None
        for path in _NOT_EMPTY:
            value: Any = envelope
            for step in path:
                value = value.get(step) if type(value) is dict else None
            if not value:
                return None
        try:
            return self._checking(RequestEnvelope, TREE, kind)(envelope)
        except Exception:  # any doubt at all (Doubt, or ASK refusing a value): the two walks
            return None

    def _checking(self, declared: Any, node: Node | None, kind: str) -> Reader:
        """The reader of a value of `declared` type at `node` of SHAPE: the plain one where
        SHAPE rules on nothing below, else one that checks the rules below as it reads."""
        if node is None or not node.under:
            return self._reader(declared)
        key = (declared, id(node), kind)
        reader = self._checked.get(key)
        if reader is None:
            reader = self._checked[key] = self._make_checking(declared, node, kind)
        return reader

    def _make_checking(self, declared: Any, node: Node, kind: str) -> Reader:
        steps = set(node.under)
        if len(steps) > 1 and steps & {"*", "#"}:
            raise TypeError(f"SHAPE mixes '*' or '#' with named fields under {node.path!r}")
        if isinstance(declared, str):
            if declared.startswith("list[") and "#" in steps and "," not in declared:
                return self._checking_list(declared[len("list[") : -1].strip(), node, kind)
            if declared.startswith("dict(") and "*" in steps:
                return self._checking_dict(declared.split(",", 1)[1][:-1].strip(), node, kind)
            if not declared.startswith(("list[", "dict(")):
                declared = self.NATIVE_TYPES_MAPPING.get(declared) or self._load_class(declared)
        if not hasattr(declared, "deserialized_types"):  # SHAPE's rules below, then as ASK
            plain = self._reader(declared)

            def read_walked(value: Any) -> Any:
                if walk(value, node, kind):
                    raise Doubt
                return plain(value)

            return read_walked
        if hasattr(declared, "get_real_child_model"):

            def read_by_discriminator(value: Any) -> Any:
                if value is None:
                    return None
                name = declared.get_real_child_model(value)
                return self._checking_fields(self._load_class(name), node, kind)(value)

            return read_by_discriminator
        return self._checking_fields(declared, node, kind)

    def _checking_fields(self, cls: Any, node: Node, kind: str) -> Reader:
        """The fields' reader of one model class (a subclass also has its parent's
        `get_real_child_model`: its own fields are read, as `_fields_reader` does)."""
        key = ("fields", cls, id(node), kind)
        reader = self._checked.get(key)
        if reader is None:
            reader = self._checked[key] = self._checking_model(cls, node, kind)
        return reader

    def _checking_list(self, item: str, node: Node, kind: str) -> Reader:
        allowed = _allowed(node.under["#"], kind) or _ANY
        read = self._checking(item, node.under["#"], kind)

        def read_list(value: Any) -> Any:
            if value is None:
                return None
            if type(value) is not list:
                raise Doubt
            out = []
            for each in value:
                if type(each) not in allowed:
                    raise Doubt
                out.append(read(each))
            return out

        return read_list

    def _checking_dict(self, item: str, node: Node, kind: str) -> Reader:
        allowed = _allowed(node.under["*"], kind) or _ANY
        read = self._checking(item, node.under["*"], kind)

        def read_dict(value: Any) -> Any:
            if value is None:
                return None
            if type(value) is not dict:
                raise Doubt
            out = {}
            for key, each in value.items():
                if type(each) not in allowed:
                    raise Doubt
                out[key] = read(each)
            return out

        return read_dict

    def _checking_model(self, cls: Any, node: Node, kind: str) -> Reader:
        """Each field as `_fields_reader` reads it, with SHAPE's rules on it checked first."""
        declared = cls.deserialized_types
        every = node.under.get("*")  # a rule on every value of the object
        every_allowed = _allowed(every, kind) if every is not None else None
        every_below = every is not None and bool(every.under)
        rules = {step: _allowed(child, kind) for step, child in node.under.items()}
        required = [
            step
            for step, child in node.under.items()
            if step != "*" and child.ruled and must(child, kind)
        ]
        fields = {key: (attr, rules.get(key)) for attr, key in _json_keys(cls).items()}
        readers: dict[str, Reader] = {}
        """Each field's reader, made when a body first has the field: a Context declares a
        dozen interfaces, and a model class is imported only when a request uses it."""
        # Keys the model does not declare but SHAPE rules on below: walked as the two walks do.
        below = {step: child for step, child in node.under.items() if child.under}

        def read_model(value: Any) -> Any:
            if value is None:
                return None
            if type(value) is not dict:
                raise Doubt
            for step in required:
                if step not in value:
                    raise Doubt
            model = cls()
            for key, item in value.items():
                if every_allowed is not None and type(item) not in every_allowed:
                    raise Doubt
                field = fields.get(key)
                if field is not None:
                    attr, allowed = field
                    if allowed is not None and type(item) not in allowed:
                        raise Doubt
                    read = readers.get(key)
                    if read is None:
                        child = node.under.get(key, every)
                        read = readers[key] = self._checking(declared[attr], child, kind)
                    setattr(model, attr, read(item))
                    continue
                if (allowed := rules.get(key)) is not None and type(item) not in allowed:
                    raise Doubt
                child = below.get(key) or (every if every_below else None)
                if child is not None and walk(item, child, kind):
                    raise Doubt
                if _free_name(cls, key):  # kept as it came, as ASK does
                    setattr(model, key, item)
            return model

        return read_model


def _allowed(node: Node, kind: str) -> frozenset[type] | None:
    """SHAPE's rule on a value at `node` as the types it may have, exactly (a bool is no
    number; a type other than JSON's own is left to the two walks), null only where the
    field is not required; None where SHAPE has no rule there."""
    if not node.ruled:
        return None
    return frozenset(node.types) | (frozenset() if must(node, kind) else {type(None)})


_ANY = frozenset({dict, list, str, int, float, bool, type(None)})
"""Every type JSON gives, where SHAPE has no rule on a container's items."""
