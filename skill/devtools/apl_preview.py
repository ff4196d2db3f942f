"""An HTML preview of an APL RenderDocument directive: the components Back Coach's screen
uses (Container, Frame, Text, Sequence, Image), with the datasource bound and the progress
bar filled by CSS over the same beats the device's commands use. An approximation, labelled
as one: Amazon's renderer is the device."""

from __future__ import annotations

import re
from html import escape
from typing import Any

VIEWPORT = (1280, 800)
"""An Echo Show 8's screen, in pixels (the preview's size)."""
BAR = "barFill"
"""The component the turn's commands animate (skill/alexa/screen_directives.py)."""
EXPRESSION = re.compile(r"\$\{([^}]*)\}")
TOKEN = re.compile(
    r"\s*(?:(\d+(?:\.\d+)?)|'([^']*)'|\"([^\"]*)\"|(==|!=|&&|\|\||[?:!()])|([A-Za-z_][\w.]*))"
)


class PreviewError(ValueError):
    """The document uses an expression or component the preview does not know."""


class _Parser:
    """Evaluates the APL expression subset the documents use: paths, string and number
    literals, `== != && || !`, `? :` and parentheses."""

    def __init__(self, text: str, scope: dict[str, Any]):
        self.tokens = self._tokens(text)
        self.scope = scope

    @staticmethod
    def _tokens(text: str) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        at = 0
        while at < len(text.rstrip()):
            m = TOKEN.match(text, at)
            if not m:
                raise PreviewError(f"cannot read expression {text!r} at {at}")
            number, single, double, op, name = m.groups()
            if number is not None:
                out.append(("value", float(number) if "." in number else int(number)))
            elif single is not None or double is not None:
                out.append(("value", single if single is not None else double))
            elif op:
                out.append(("op", op))
            else:
                out.append(("name", name))
            at = m.end()
        return out

    def parse(self) -> Any:
        value = self._ternary()
        if self.tokens:
            raise PreviewError(f"unexpected {self.tokens[0][1]!r}")
        return value

    def _take(self, op: str) -> bool:
        if self.tokens and self.tokens[0] == ("op", op):
            self.tokens.pop(0)
            return True
        return False

    def _ternary(self) -> Any:
        test = self._binary(0)
        if not self._take("?"):
            return test
        yes = self._ternary()
        if not self._take(":"):
            raise PreviewError("'?' without ':'")
        no = self._ternary()
        return yes if test else no

    LEVELS = (("||",), ("&&",), ("==", "!="))

    def _binary(self, level: int) -> Any:
        if level == len(self.LEVELS):
            return self._unary()
        left = self._binary(level + 1)
        while self.tokens and self.tokens[0][0] == "op" and self.tokens[0][1] in self.LEVELS[level]:
            op = self.tokens.pop(0)[1]
            right = self._binary(level + 1)
            left = _combine(op, left, right)
        return left

    def _unary(self) -> Any:
        if self._take("!"):
            return not self._unary()
        if self._take("("):
            value = self._ternary()
            if not self._take(")"):
                raise PreviewError("missing ')'")
            return value
        if not self.tokens:
            raise PreviewError("expression ends early")
        kind, value = self.tokens.pop(0)
        if kind == "value":
            return value
        if kind == "name":
            return self._lookup(value)
        raise PreviewError(f"unexpected {value!r}")

    def _lookup(self, path: str) -> Any:
        if path in ("true", "false"):
            return path == "true"
        node: Any = self.scope
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                raise PreviewError(f"unbound ${{{path}}}")
            node = node[part]
        return node


def _combine(op: str, left: Any, right: Any) -> Any:
    """A binary operator's value (JavaScript's `||` and `&&` give an operand, as APL's do)."""
    if op == "||":
        return left or right
    if op == "&&":
        return left and right
    return (left == right) if op == "==" else (left != right)


def evaluate(text: Any, scope: dict[str, Any]) -> Any:
    """A property's value with its `${…}` bindings evaluated (a lone one keeps its type)."""
    if not isinstance(text, str) or "${" not in text:
        return text
    whole = EXPRESSION.fullmatch(text)
    if whole:
        return _Parser(whole.group(1), scope).parse()
    return EXPRESSION.sub(lambda m: str(_Parser(m.group(1), scope).parse()), text)


def _px(value: Any) -> str:
    """An APL dimension as CSS (`vw`/`vh` relative to the previewed viewport)."""
    if isinstance(value, int | float):
        return f"{value}px"
    text = str(value)
    for unit, size in (("vw", VIEWPORT[0]), ("vh", VIEWPORT[1])):
        if text.endswith(unit):
            return f"{float(text[: -len(unit)]) * size / 100:g}px"
    return text


FLEX = {
    "start": "flex-start",
    "end": "flex-end",
    "center": "center",
    "spaceBetween": "space-between",
}
BOX = {
    "width": "width",
    "height": "height",
    "paddingLeft": "padding-left",
    "paddingRight": "padding-right",
    "paddingTop": "padding-top",
    "paddingBottom": "padding-bottom",
    "borderRadius": "border-radius",
    "fontSize": "font-size",
}
"""APL dimension properties and their CSS names."""


def _style(item: dict, scope: dict) -> list[str]:
    """The CSS of one component's own properties."""
    css = []
    for key, prop in BOX.items():
        if key in item:
            css.append(f"{prop}:{_px(evaluate(item[key], scope))}")
    if "backgroundColor" in item:
        css.append(f"background-color:{evaluate(item['backgroundColor'], scope)}")
    if "color" in item:
        css.append(f"color:{evaluate(item['color'], scope)}")
    if "fontWeight" in item:
        css.append(f"font-weight:{evaluate(item['fontWeight'], scope)}")
    css.append(f"flex-grow:{evaluate(item.get('grow', 0), scope)}")
    css.append(f"flex-shrink:{evaluate(item.get('shrink', 0), scope)}")
    for move in item.get("transform", []):
        if "translateX" in move:
            css.append(f"transform:translateX({evaluate(move['translateX'], scope)})")
    return css


def _animation(timeline: list[dict]) -> str:
    """The bar's CSS animation: filled once per clip, each after the beats before it."""
    runs, start = [], 0
    for beat in timeline:
        if beat["bar"]:
            runs.append(f"fill {beat['ms']}ms linear {start}ms forwards")
        start += beat["ms"]
    return f"animation:{', '.join(runs)}" if runs else ""


def _render(item: dict, scope: dict, timeline: list[dict]) -> str:
    """One component and its children as HTML."""
    if "when" in item and not evaluate(item["when"], scope):
        return ""
    kind = item.get("type")
    css = _style(item, scope)
    ident = item.get("id", "")
    if ident == BAR:
        css.append(_animation(timeline))
    attrs = f' data-apl="{escape(str(kind))}"' + (f' id="{escape(ident)}"' if ident else "")
    if kind == "Text":
        text = escape(str(evaluate(item.get("text", ""), scope)))
        return f'<div{attrs} class="text" style="{";".join(css)}">{text}</div>'
    if kind == "Image":
        src = escape(str(evaluate(item.get("source", ""), scope)))
        return f'<img{attrs} src="{src}" style="{";".join(css)}" alt="">'
    if kind == "Frame":
        inner = _render(item["item"], scope, timeline) if "item" in item else ""
        return f'<div{attrs} class="frame" style="{";".join(css)}">{inner}</div>'
    if kind not in ("Container", "Sequence"):
        raise PreviewError(f"the preview cannot show a {kind} component")
    direction = item.get("direction", "column")
    css.append(f"flex-direction:{direction}")
    if "alignItems" in item:
        css.append(f"align-items:{FLEX.get(item['alignItems'], item['alignItems'])}")
    if "justifyContent" in item:
        css.append(f"justify-content:{FLEX.get(item['justifyContent'], item['justifyContent'])}")
    children = item.get("items", [])
    if "data" in item:  # one copy of the children per data item
        rows = evaluate(item["data"], scope) or []
        inner = "".join(
            _render(child, {**scope, "data": row, "index": i}, timeline)
            for i, row in enumerate(rows)
            for child in children
        )
    else:
        inner = "".join(_render(child, scope, timeline) for child in children)
    return f'<div{attrs} class="box" style="{";".join(css)}">{inner}</div>'


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Echo Show screen preview</title>
<style>
body {{ margin:0; background:#0b0f14; font-family:"Amazon Ember",system-ui,sans-serif; }}
.label {{ color:#0b0f14; background:#FFC857; font:bold 14px system-ui,sans-serif;
  padding:4px 12px; display:inline-block; }}
.viewport {{ position:relative; width:{w}px; height:{h}px; overflow:hidden; }}
.box {{ display:flex; box-sizing:border-box; min-height:0; min-width:0; }}
.frame {{ overflow:hidden; box-sizing:border-box; }}
.text {{ box-sizing:border-box; line-height:1.25; }}
@keyframes fill {{ from {{ transform:translateX(-100%); }} to {{ transform:translateX(0); }} }}
</style></head><body>
<div class="label" id="preview-label">Preview · not the device's renderer</div>
<div class="viewport" id="screen">{body}</div>
</body></html>
"""


def preview_html(directive: dict) -> str:
    """A page showing a RenderDocument directive (as in a response's JSON), labelled a preview."""
    document = directive["document"]
    datasources = directive.get("datasources") or {}
    params = document["mainTemplate"].get("parameters", [])
    # A document's one parameter named "payload" is given every datasource (APL's rule).
    scope = {name: datasources if name == "payload" else datasources.get(name) for name in params}
    timeline = _timeline(datasources)
    body = "".join(_render(item, scope, timeline) for item in document["mainTemplate"]["items"])
    return PAGE.format(w=VIEWPORT[0], h=VIEWPORT[1], body=body)


def _timeline(datasources: dict) -> list[dict]:
    """The turn's beats, which the screen's datasource carries for the commands."""
    for source in datasources.values():
        if isinstance(source, dict) and isinstance(source.get("timeline"), list):
            return source["timeline"]
    return []
