"""Text from outside (team names, descriptions, error messages) shown as written.

Streamlit renders Markdown in headers, captions, alerts and button labels,
with its own additions (`:red[...]`, `:material/icon:`, `$math$`). A team named
`[Docs](javascript:alert(1))` or `<img src=x onerror=...>` must show those
characters, not a link or an image:

    st.header(inert(team.name))
"""

from __future__ import annotations

import re

# What can start markup on one line: links and images ([ ]), HTML and autolinks (< >),
# code (`), emphasis (* ~, and _ at a word's edge), entities (&), math ($), tables (|), the
# escape character itself, and a colon that could open a Streamlit directive, emoji or icon
# (":red[", ":smile:", ":material/x:") or a scheme other than http(s) ("javascript:x"). A bare
# "https://..." stays readable (GitHub-flavoured Markdown may show it as a plain https link).
_ACTIVE = re.compile(r"[\\`*~\[\]<>$&|]|:(?=[A-Za-z0-9_\[-])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_BLOCK_START = re.compile(r"^(\s*)(?:([-+#=])|(\d+)([.)]))")  # a heading or list marker
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def inert(text: object) -> str:
    """`text` on one line with its Markdown escaped (CommonMark backslashes), so it displays literally.

        inert("[Docs](javascript:x)")   # -> '\\[Docs\\](javascript\\:x)'
    """
    escaped = _ACTIVE.sub(lambda m: "\\" + m.group(0), _CONTROL.sub(" ", str(text)))
    return _BLOCK_START.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2)
                                                    else f"{m.group(3)}\\{m.group(4)}"), escaped)
