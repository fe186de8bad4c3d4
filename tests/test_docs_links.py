"""Every relative link of the README and docs/ leads somewhere: the file
exists, and a ``#fragment`` names a heading of that file as GitHub renders its
anchors (lower case, punctuation dropped, spaces to hyphens, ``-1`` ... for a
heading's repeats)."""
import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / 'README.md', *sorted((ROOT / 'docs').glob('*.md'))]
LINK = re.compile(r'\[[^\]]*\]\(([^)\s]+)\)')
FENCE = re.compile(r'^```.*?^```', re.S | re.M)


def prose(path: Path, inline_code: bool = False) -> str:
    """The Markdown of ``path`` without its code: fenced blocks, indented
    blocks (4 spaces after a blank line) and, unless ``inline_code``, inline
    spans."""
    lines, previous = [], ''
    for line in FENCE.sub('', path.read_text()).splitlines():
        indented = line.startswith('    ') and (
            not previous.strip() or previous.startswith('    '))
        previous = line if line.strip() else ''
        if not indented:
            lines.append(line if inline_code else
                         re.sub(r'`[^`]*`', '', line))
    return '\n'.join(lines)


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading's text."""
    text = re.sub(r'[^\w\- ]', '', heading.strip().lower())
    return text.replace(' ', '-')


@functools.lru_cache(maxsize=None)
def anchors(path: Path) -> frozenset:
    """The anchors of ``path``'s headings (read once a file: a document
    links to the same file many times)."""
    found, seen = set(), {}
    for line in prose(path, inline_code=True).splitlines():
        match = re.match(r'^#{1,6}\s+(.*)$', line)
        if not match:
            continue
        anchor = github_anchor(match.group(1))
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        found.add(anchor if count == 0 else f'{anchor}-{count}')
    return frozenset(found)


def test_the_anchor_rule_on_headings_of_ours():
    assert github_anchor('Stabilised clips at `strong` (SimCLR, three seeds, '
                         'CPU)') == \
        'stabilised-clips-at-strong-simclr-three-seeds-cpu'
    assert github_anchor('R@1 on 1,024 test videos: how much of the '
                         "ladder's R@1 is the queries") == \
        'r1-on-1024-test-videos-how-much-of-the-ladders-r1-is-the-queries'


def broken_links(doc: Path) -> list:
    """The relative links of ``doc`` that lead to no file or heading."""
    broken = []
    for target in LINK.findall(prose(doc)):
        if re.match(r'^[a-z]+:', target):  # https:, mailto:
            continue
        file_part, _, fragment = target.partition('#')
        linked = (doc.parent / file_part).resolve() if file_part else doc
        if not linked.exists():
            broken.append(f'{target}: no file {linked}')
        elif fragment and linked.suffix == '.md' and \
                fragment not in anchors(linked):
            broken.append(f'{target}: no heading #{fragment} in {linked.name}')
    return broken


def test_a_broken_link_is_found(tmp_path):
    (tmp_path / 'other.md').write_text('# Other\n\n## A `code` heading\n')
    doc = tmp_path / 'doc.md'
    doc.write_text(
        '# Doc\n\n## Twice\n\n## Twice\n\n[ok](other.md#a-code-heading) '
        '[ok](#twice-1) [ok](https://example.org/#x) `[not](a-link)`\n'
        '[gone](missing.md) [no heading](other.md#nothing) [no](#twice-2)\n'
        '\n```\n[in](code.md)\n```\n')
    assert broken_links(doc) == [
        f'missing.md: no file {tmp_path / "missing.md"}',
        'other.md#nothing: no heading #nothing in other.md',
        '#twice-2: no heading #twice-2 in doc.md']


@pytest.mark.parametrize('doc', DOCS, ids=lambda p: p.name)
def test_relative_links_lead_to_a_file_and_a_heading(doc):
    broken = broken_links(doc)
    assert not broken, f'{doc.name}: ' + '; '.join(broken)


def test_the_benchmark_contents_list_every_section():
    """docs/motion_benchmark.md's Contents: its ## and ### headings, in order
    (a section added without its line is found here)."""
    doc = ROOT / 'docs/motion_benchmark.md'
    text = prose(doc, inline_code=True)
    headings = re.findall(r'^#{2,3}\s+(.*)$', text, re.M)
    contents = text.split('**Contents**', 1)[1].split('\n## ', 1)[0]
    assert re.findall(r'^\s*- \[(.*)\]\(#', contents, re.M) == headings
