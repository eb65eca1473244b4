"""Email wording with Jinja2: the packaged templates, with an operator's override directory first.

Each message is one file, `{step}.j2`, with `subject`, `text` and `html` blocks rendered one by
one (see templates/email/README.md). The HTML block is autoescaped, the subject and text are not.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import (BaseLoader, ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined,
                    TemplateRuntimeError, pass_context)
from jinja2.sandbox import SandboxedEnvironment

from .domain import phrasing
from .domain.compose import RenderedParts

DEFAULT_DIR = Path(__file__).parent / "templates" / "email"
PARTS = ("subject", "text", "html")


def sentence(value: str) -> str:
    """A phrase as a sentence: capital first letter, closing full stop unless it has one."""
    value = " ".join(str(value).split())
    if not value:
        return value
    value = value[0].upper() + value[1:]
    return value if value[-1] in ".!?…" else value + "."


@pass_context
def pick(ctx, slot: str, count: int) -> int:
    """`{% set v = pick("opening", 3) %}`: which of `count` phrasings this intro uses in `slot`
    (0 … count-1), the same every time the intro's messages are rendered.
    """
    return phrasing.pick(ctx["seed"], slot, count)


class JinjaRenderer:
    """Renders `{template}.j2` from `override_dir` when it has one, else the packaged default.

    An override may replace a whole file, or `{% extends "default/intro.j2" %}` and redefine only
    the blocks it wants to change.
    """

    def __init__(self, override_dir: str | Path | None = None) -> None:
        loaders: list[BaseLoader] = []
        if override_dir is not None:
            path = Path(override_dir)
            if not path.is_dir():
                raise ValueError(f"email template directory {path} does not exist")
            loaders.append(FileSystemLoader(path))
        loaders.append(FileSystemLoader(DEFAULT_DIR))
        loaders.append(PrefixLoader({"default": FileSystemLoader(DEFAULT_DIR)}))
        loader = ChoiceLoader(loaders)
        # Two environments over the same files, so one template can hold both kinds of part.
        self._plain = self._environment(loader, autoescape=False)
        self._html = self._environment(loader, autoescape=True)

    @staticmethod
    def _environment(loader: BaseLoader, autoescape: bool) -> SandboxedEnvironment:
        # Sandboxed: these files are meant to be edited by people who are not developers.
        env = SandboxedEnvironment(loader=loader, autoescape=autoescape, undefined=StrictUndefined,
                                   trim_blocks=True, lstrip_blocks=True)
        env.filters["sentence"] = sentence
        env.globals["pick"] = pick
        return env

    def render(self, template: str, context: dict) -> RenderedParts:
        name = f"{template}.j2"
        plain = self._blocks(self._plain, name, context, ("subject", "text"))
        html = self._blocks(self._html, name, context, ("html",))
        return RenderedParts(subject=plain["subject"], text=plain["text"], html=html["html"])

    @staticmethod
    def _blocks(env: SandboxedEnvironment, name: str, context: dict,
                wanted: tuple[str, ...]) -> dict[str, str]:
        tmpl = env.get_template(name)
        ctx = tmpl.new_context(dict(context))
        # Running the whole template once resolves {% extends %} and top-level imports, so blocks
        # inherited from a parent template are in ctx.blocks too.
        for _ in tmpl.root_render_func(ctx):
            pass
        out = {}
        for block in wanted:
            chain = ctx.blocks.get(block)
            if not chain:
                raise TemplateRuntimeError(f"{name} has no {{% block {block} %}}")
            out[block] = "".join(chain[0](ctx))
        return out
