"""Markdown as staff write it: safe HTML for the portal, plain text for the chat.

Raw HTML in the Markdown is never passed through: markdown-it (with `html`
off) turns it into text, and nh3 then removes anything outside a short list of
tags, attributes and URL schemes, so a `<script>` or an `onerror=` typed by
anyone is shown as text or removed, never run.

markdown-it needs time that grows faster than the text for some inputs
(100,000 `[` took 4.75 s), so the portal renders previews with
`render_off_loop`: in a child process, so the portal goes on serving, and
stopped after a time limit. The content fields' length caps
(bot/content/bundle.py) keep every saved text far below such sizes.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
from multiprocessing.connection import Connection

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

logger = logging.getLogger(__name__)
# fork: the child starts at once with everything imported; it only renders and replies
_CONTEXT = multiprocessing.get_context("fork")

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
RENDER_SECONDS = 2.0

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_html(markdown: str, heading_offset: int = 0) -> str:
    """Sanitised HTML for the Markdown; headings moved down by `heading_offset`
    levels so a preview fits under the page's own headings."""
    tokens = _PARSER.parse(markdown or "")
    if heading_offset:
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                level = min(6, int(token.tag[1]) + heading_offset)
                token.tag = f"h{level}"
    html = _PARSER.renderer.render(tokens, _PARSER.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    href = ""
    link_start = 0
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak",):
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content or "")
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            link_start = len(parts)
        elif child.type == "link_close":
            label = "".join(parts[link_start:])
            if href and href.removeprefix("mailto:") != label and href not in (label, f"https://{label}"):
                parts.append(f" ({href.removeprefix('mailto:')})")
            href = ""
    return "".join(parts)


def to_plain_text(markdown: str) -> str:
    """The Markdown as chat text: paragraphs, "• " bullets, numbered lists,
    and link targets in brackets after the link text."""
    blocks: list[tuple[str, int]] = []  # (text, list group; 0 outside lists)
    lists: list[list[int]] = []  # one [next number, or 0 for bullets] per open list
    group = 0
    item_prefix = ""
    for token in _PARSER.parse(markdown or ""):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            if not lists:
                group += 1
            start = int(token.attrs.get("start", 1) or 1) if token.type == "ordered_list_open" else 0
            lists.append([start])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            counter = lists[-1]
            indent = "  " * (len(lists) - 1)
            item_prefix = f"{indent}{counter[0]}. " if counter[0] else f"{indent}• "
            counter[0] += 1 if counter[0] else 0
        elif token.type == "inline":
            text = _inline_text(token).strip()
            if item_prefix:
                blocks.append((item_prefix + text, group))
                item_prefix = ""
            elif lists and blocks:  # a second paragraph in a list item
                blocks[-1] = (f"{blocks[-1][0]} {text}", group)
            else:
                blocks.append((text, 0))
        elif token.type in ("fence", "code_block"):
            blocks.append((token.content.rstrip("\n"), 0))
    text = ""
    previous_group = 0
    for block, block_group in blocks:
        separator = "\n" if block_group and block_group == previous_group else "\n\n"
        text = f"{text}{separator}{block}" if text else block
        previous_group = block_group
    return text.strip()



def _render_into(connection: Connection, texts: list[str], heading_offset: int) -> None:
    connection.send([(render_html(text, heading_offset), to_plain_text(text)) for text in texts])
    connection.close()


def _render_within(texts: list[str], heading_offset: int, seconds: float) -> list[tuple[str, str]] | None:
    """Render in a child process, killed when it runs past `seconds`."""
    receiving, sending = _CONTEXT.Pipe(duplex=False)
    worker = _CONTEXT.Process(target=_render_into, args=(sending, texts, heading_offset), daemon=True)
    worker.start()
    sending.close()
    try:
        return receiving.recv() if receiving.poll(seconds) else None
    except EOFError:  # the child died
        return None
    finally:
        receiving.close()
        worker.kill()
        worker.join()


async def render_off_loop(texts: list[str], heading_offset: int = 0,
                          seconds: float = RENDER_SECONDS) -> list[tuple[str, str]] | None:
    """(HTML, chat text) for each Markdown text, made in a child process so that
    neither the event loop nor Python's GIL is held; None when it took longer
    than `seconds` (the child is then stopped)."""
    result = await asyncio.get_running_loop().run_in_executor(
        None, _render_within, texts, heading_offset, seconds)
    if result is None:
        logger.warning("A Markdown preview took longer than %.1f s; it was stopped", seconds)
    return result
