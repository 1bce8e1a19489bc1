#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""patches.py: commit our overlay onto the pristine base, one commit per line
of harness/patches/series, and write the series with `git format-patch`.

Run by patches.sh, which sets REPO, BUILD, BASE, PGIT (the scratch repository
whose refs/heads/base is the pristine base), OUT, the git identity and
PATCH_DATE.  The scratch repository has no work tree: every commit is made
in a private index from blobs, so the base on disk is only ever read.

With --split DIFF [SYM...], print the part of a build-time diff that adds the
Kconfig and Makefile lines of the given symbols (all symbols it adds, with
no SYM) and exit."""
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

OVERLAY = ['kernel', 'lib', 'include', 'tools/testing/selftests/workqueue',
           'tools/workqueue', 'Documentation/core-api']
MISSING = '(not filled in yet)'


def say(msg):
    sys.stderr.write('[wq] %s\n' % msg)


def die(msg):
    sys.stderr.write('[wq] error: %s\n' % msg)
    sys.exit(1)


def run(cmd, data=None, env=None, cwd=None):
    p = subprocess.run(cmd, input=data, capture_output=True, text=True,
                       env=env, cwd=cwd)
    if p.returncode:
        die('%s failed: %s' % (' '.join(cmd[:4]), p.stderr.strip()))
    return p.stdout


def scratch_git(pgit, index):
    """git on the scratch repository, with a private index and the dates
    of PATCH_DATE."""
    env = dict(os.environ, GIT_DIR=pgit, GIT_INDEX_FILE=os.path.join(pgit, index),
               GIT_AUTHOR_DATE=os.environ['PATCH_DATE'],
               GIT_COMMITTER_DATE=os.environ['PATCH_DATE'])

    def git(*args, data=None):
        return run(['git'] + list(args), data=data, env=env).strip()
    return git


# ---------------------------------------------------------------------------
# Splitting a build-time diff by Kconfig symbol.
#
# harness/diffs add the Kconfig entries and Makefile lines of all our test
# modules at once; the series adds each with the patch that adds its module.
# Only added lines can be split.  A run of added lines is cut into pieces: a
# line naming a symbol ("config FOO" or "$(CONFIG_FOO)") starts a piece owned
# by FOO, and the lines after it up to the next such line (a Kconfig help
# text, say) belong to the same piece; lines before the first such line
# belong to the first piece.  Anything else is an error, never a guess.

NAME = re.compile(r'^\+\s*(?:menu)?config\s+(\w+)|\$\(CONFIG_(\w+)\)')
HUNK = re.compile(r'^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$')


def parse_diff(path):
    lines = open(path).read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    header, hunks = [], []
    for line in lines:
        m = HUNK.match(line)
        if m:
            hunks.append([int(m.group(1)), int(m.group(2) or 1), m.group(5), []])
        elif hunks:
            if line[:1] not in (' ', '+') and line != '':
                die('%s: only added lines can be split: %s' % (path, line))
            hunks[-1][3].append(line if line else ' ')
        else:
            header.append(line)
    targets = [h[6:].split('\t')[0] for h in header if h.startswith('+++ b/')]
    if len(targets) != 1:
        die('%s must change exactly one file' % path)
    return targets[0], header, hunks


def owners(path, body):
    own = [None] * len(body)
    i = 0
    while i < len(body):
        if not body[i].startswith('+'):
            i += 1
            continue
        j = i
        while j < len(body) and body[j].startswith('+'):
            j += 1
        cur, pending = None, []
        for k in range(i, j):
            m = NAME.search(body[k])
            if m:
                cur = m.group(1) or m.group(2)
                for p in pending:
                    own[p] = cur
                pending = []
            if cur is None:
                pending.append(k)
            else:
                own[k] = cur
        if cur is None:
            die('%s: added lines name no Kconfig symbol: %s' % (path, body[i][1:].strip()))
        i = j
    return own


def diff_symbols(path):
    seen = []
    for hunk in parse_diff(path)[2]:
        for s in owners(path, hunk[3]):
            if s and s not in seen:
                seen.append(s)
    return seen


def split_diff(path, want):
    """The part of the diff at PATH that belongs to the symbols in WANT."""
    _, header, hunks = parse_diff(path)
    out, shift = [], 0
    for start, count, tail, body in hunks:
        own = owners(path, body)
        keep = [line for line, s in zip(body, own) if s is None or s in want]
        added = sum(1 for line in keep if line.startswith('+'))
        if not added:
            continue
        out.append('@@ -%d,%d +%d,%d @@%s' % (start, count, start + shift,
                                             count + added, tail))
        out.extend(keep)
        shift += added
    return '\n'.join(header + out) + '\n' if out else ''


# ---------------------------------------------------------------------------
# The series table.

class Step:
    def __init__(self, name, items):
        self.name = name
        self.paths, self.syms, self.diffs = [], [], []
        self.maintainers = False
        for it in items:
            if it == 'MAINTAINERS':
                self.maintainers = True
            elif it.startswith('sym:') or it.startswith('diff:'):
                kind, _, rest = it.partition(':')
                what, at, cond = rest.partition('@')
                if not at:
                    die('series %s: %s needs @PATH' % (name, it))
                (self.syms if kind == 'sym' else self.diffs).append((what, cond))
            else:
                self.paths.append(it)

    def owns(self, path):
        return any(path == p or (p.endswith('/') and path.startswith(p))
                   for p in self.paths)

    def owns_pattern(self, pat):
        """Does an F: pattern of MAINTAINERS fall under this step?"""
        return any(pat == p or (p.endswith('/') and pat.startswith(p)) or
                   (pat.endswith('/') and p.startswith(pat)) for p in self.paths)


def read_series(psrc):
    steps, cur = [], None
    for line in open(os.path.join(psrc, 'series')):
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        if line[0] in ' \t':
            if cur is None:
                die('series: continuation line before any patch')
            cur[1].extend(line.split())
        else:
            cur = [line.split()[0], line.split()[1:]]
            steps.append(cur)
    steps = [Step(n, items) for n, items in steps]
    if not steps:
        die('series: no patches listed')
    return steps


# ---------------------------------------------------------------------------
# Figures: harness/patches/figures.txt has sections "[name]" whose text
# replaces @name@ in the changelogs and the cover letter.  Values made here
# (base, package, results, bench) are used when figures.txt lacks them.

def read_figures(path, text=None):
    figs, name = {}, None
    if text is None:
        if not os.path.exists(path):
            return figs
        text = open(path).read()
    for line in text.splitlines(True):
        m = re.match(r'^\[([a-z][a-z0-9_-]*)\]\s*$', line)
        if line.startswith('#'):
            continue
        if m:
            name = m.group(1)
            figs[name] = []
        elif name is not None:
            figs[name].append(line.rstrip('\n'))
        elif line.strip():
            die('%s: text before the first [section]' % path)
    return {k: '\n'.join(v).strip('\n') for k, v in figs.items()}


def fill(text, values, missing):
    def sub(m):
        if m.group(1) in values and values[m.group(1)].strip():
            return values[m.group(1)]
        missing.add(m.group(1))
        return MISSING
    return re.sub(r'@([a-z][a-z0-9_-]*)@', sub, text)


def results_summary(build):
    res = os.environ.get('RESULTS') or os.path.join(build, 'results')
    status = os.path.join(res, 'status')
    if not os.path.exists(status):
        return ''
    impls = []
    for line in open(status):
        f = line.split()
        if len(f) == 4 and f[1] not in impls:
            impls.append(f[1])
    if not impls:
        return ''
    p = subprocess.run([sys.executable, os.path.join(os.environ['REPO'], 'harness/summary.py'),
                        res] + impls, capture_output=True, text=True)
    return '\n'.join('  ' + l if l else l for l in p.stdout.strip('\n').split('\n'))


def count_lines(path):
    """(code, comment) lines of a C file; blank lines are neither."""
    code = comment = 0
    in_comment = False
    for line in open(path, errors='replace'):
        s = line.strip()
        if not s:
            continue
        if in_comment:
            comment += 1
            in_comment = '*/' not in s
        elif s.startswith('/*'):
            comment += 1
            in_comment = '*/' not in s
        elif s.startswith('//'):
            comment += 1
        else:
            code += 1
            in_comment = '/*' in s and '*/' not in s.split('/*')[-1]
    return code, comment


def line_counts(repo, base):
    rows = []
    for f in ('kernel/workqueue.c', 'kernel/workqueue_internal.h'):
        ours = os.path.join(repo, f)
        if os.path.exists(ours):
            rows.append('  %s: %d code, %d comment lines (v6.12: %d, %d)'
                        % ((f,) + count_lines(ours) + count_lines(os.path.join(base, f))))
    return '\n'.join(rows)


def fmt_figure(v, unit):
    if v is None:
        return '-'
    v = float(v)
    if unit in ('ns', 'ns/item'):
        if v >= 1e6:
            return '%.2fms' % (v / 1e6)
        return '%.1fus' % (v / 1e3) if v >= 1e4 else '%dns' % v
    if unit == 'rate':
        if v >= 1e6:
            return '%.2fM/s' % (v / 1e6)
        return '%.1fk/s' % (v / 1e3) if v >= 1e3 else '%d/s' % v
    return '%dB' % v if unit == 'bytes' else '%d' % v


def bench_condensed(path):
    """A mail-width table from `make bench`'s results.json: median and p99
    (items/s for throughput rows) of each implementation, and the ratio."""
    data = json.load(open(path))
    rows, info = data['rows'], data.get('info', {})
    impls = [i for i in ('mainline', 'ours') if any(i in r for r in rows)]
    head = ['row'] + ['%s %s' % ('v6.12' if i == 'mainline' else 'ours', k)
                      for i in impls for k in ('med', 'p99')]
    if 'ours' in impls:
        head.append('ratio')
    lines = [head]
    for r in rows:
        line = [r['row']]
        for i in impls:
            f = r.get(i)
            if not f:
                line += ['-', '-']
            elif r['row'].startswith('tput.'):
                line += [fmt_figure(f.get('items_s'), 'rate'), '']
            else:
                line += [fmt_figure(f.get('med'), f.get('unit')),
                         fmt_figure(f.get('p99'), f.get('unit'))]
        if 'ours' in impls:
            v = r.get('ratio_med')
            line.append('-' if v is None else '%.2f' % v)
        lines.append(line)
    widths = [max(len(l[c]) for l in lines) for c in range(len(head))]
    out = ['  ' + '  '.join(c.ljust(w) if n == 0 else c.rjust(w)
                            for n, (c, w) in enumerate(zip(l, widths))).rstrip()
           for l in lines]
    intro = []
    if info.get('date') or info.get('machine'):
        intro = ['  %s, %s; guest: %s' % (info.get('date', '?'), info.get('machine', '?'),
                                          info.get('guest', '?')), '']
    return '\n'.join(intro + out)


def docs_summary(build):
    path = os.path.join(build, 'docs/summary.txt')
    return open(path).read().rstrip('\n') if os.path.exists(path) else ''


def bench_table(repo):
    path = os.path.join(repo, 'out/bench/results.json')
    if os.path.exists(path):
        try:
            return bench_condensed(path)
        except (ValueError, KeyError, TypeError) as e:
            say('out/bench/results.json: %s; using table.txt' % e)
    path = os.path.join(repo, 'out/bench/table.txt')
    if os.path.exists(path):
        return open(path).read().rstrip('\n')
    return ''


# ---------------------------------------------------------------------------

def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--split':
        if len(sys.argv) == 3:
            print('\n'.join(diff_symbols(sys.argv[2])))
        else:
            sys.stdout.write(split_diff(sys.argv[2], set(sys.argv[3:])))
        return

    repo, base, pgit, out = (os.environ[k] for k in ('REPO', 'BASE', 'PGIT', 'OUT'))
    psrc = os.path.join(repo, 'harness/patches')
    git = scratch_git(pgit, 'series.index')

    steps = read_series(psrc)

    # Our files, as the harness overlays them (uncommitted edits included,
    # build products left out by .gitignore).
    listed = run(['git', '-C', repo, 'ls-files', '-co', '--exclude-standard', '--'] +
                 OVERLAY).split('\n')
    files = sorted(f for f in set(listed) if f and os.path.isfile(os.path.join(repo, f)))
    owner = {}
    for f in files:
        own = [s for s in steps if s.owns(f)]
        if len(own) != 1:
            die('%s belongs to %s patches in harness/patches/series; it must belong to one'
                % (f, len(own) or 'no'))
        owner[f] = own[0]
    dirty = run(['git', '-C', repo, 'status', '--porcelain', '--'] + OVERLAY +
                ['MAINTAINERS']).strip()
    if dirty:
        say('note: the series includes uncommitted changes:\n' + dirty)

    def exists(path):
        return (os.path.exists(os.path.join(repo, path)) and
                (os.path.isfile(os.path.join(repo, path)) or
                 any(f.startswith(path.rstrip('/') + '/') for f in files)))

    # Build-time diffs: every symbol they add must belong to a patch.
    hdiffs = sorted(glob.glob(os.path.join(repo, 'harness/diffs/*.diff')))
    claimed = {sym for s in steps for sym, _ in s.syms}
    for d in hdiffs:
        for sym in diff_symbols(d):
            if sym not in claimed:
                die('%s adds %s, which no patch in harness/patches/series claims'
                    % (os.path.relpath(d, repo), sym))

    # MAINTAINERS F: lines: with the patch that owns their path.
    flines = []
    if os.path.exists(os.path.join(repo, 'MAINTAINERS')):
        flines = [l[3:].strip() for l in open(os.path.join(repo, 'MAINTAINERS'))
                  if l.startswith('F:\t')]
    fowner = {}
    for pat in flines:
        if not (exists(pat) or os.path.exists(os.path.join(base, pat))):
            say('MAINTAINERS: F: %s left out: it does not exist yet' % pat)
            continue
        own = [s for s in steps if s.owns_pattern(pat)] or \
            [s for s in steps if s.maintainers]
        if not own:
            die('MAINTAINERS: F: %s belongs to no patch' % pat)
        fowner[pat] = own[0]

    values = {'base': os.environ['BASE_VERSION'], 'package': os.environ['BASE_PACKAGE'],
              'results': results_summary(os.environ['BUILD']), 'bench': bench_table(repo),
              'lines': line_counts(repo, base), 'htmldocs': docs_summary(os.environ['BUILD'])}
    # Drafts from the last make test / make bench, then figures.txt over them.
    draft = run([sys.executable, os.path.join(repo, 'harness/patches-figures.py')])
    for figs in (read_figures('patches-figures.py', draft),
                 read_figures(os.path.join(psrc, 'figures.txt'))):
        values.update({k: v for k, v in figs.items() if v.strip()})
    missing = set()

    git('read-tree', 'refs/heads/base')
    parent = git('rev-parse', 'refs/heads/base')
    parent_tree = git('rev-parse', parent + '^{tree}')
    def blob(path=None, data=None):
        if data is None:
            return git('hash-object', '-w', '--no-filters', path)
        return git('hash-object', '-w', '--no-filters', '--stdin', data=data)

    syms, sdiffs, fdone, made = set(), [], [], []
    scratch = tempfile.mkdtemp(prefix='wq-patches.')
    for n, step in enumerate(steps):
        syms |= {s for s, cond in step.syms if exists(cond)}
        sdiffs += [os.path.join(psrc, 'diffs', d) for d, cond in step.diffs if exists(cond)]
        fdone += [p for p, s in fowner.items() if s is step]
        entries = []

        for f in files:
            if owner[f] is step:
                full = os.path.join(repo, f)
                mode = '100755' if os.access(full, os.X_OK) else '100644'
                entries.append('%s %s\t%s' % (mode, blob(full), f))

        # Base files the diffs change: redo them from the pristine file with
        # every piece that belongs to the patches so far.
        pieces = {}
        for d in hdiffs:
            part = split_diff(d, syms)
            if part:
                pieces.setdefault(parse_diff(d)[0], []).append(part)
        for d in sdiffs:
            pieces.setdefault(parse_diff(d)[0], []).append(open(d).read())
        for target, parts in sorted(pieces.items()):
            work = os.path.join(scratch, str(n), target)
            os.makedirs(os.path.dirname(work), exist_ok=True)
            with open(os.path.join(base, target)) as src, open(work, 'w') as dst:
                dst.write(src.read())
            for part in parts:
                p = subprocess.run(['patch', '-s', '-p1', '--fuzz=0',
                                    '--no-backup-if-mismatch', '-d',
                                    os.path.join(scratch, str(n))],
                                   input=part, capture_output=True, text=True)
                if p.returncode:
                    die('a diff for %s does not apply to the base: %s'
                        % (target, p.stdout + p.stderr))
            entries.append('100644 %s\t%s' % (blob(work), target))

        if fdone:
            ours = os.path.join(scratch, 'MAINTAINERS.%d' % n)
            with open(ours, 'w') as fh:
                fh.write(''.join('F:\t%s\n' % p for p in sorted(fdone)))
            text = run([os.path.join(repo, 'harness/maintainers.py'),
                        os.path.join(base, 'MAINTAINERS'), ours])
            entries.append('100644 %s\tMAINTAINERS' % blob(data=text))

        if entries:
            git('update-index', '--add', '--index-info', data='\n'.join(entries) + '\n')
        tree = git('write-tree')
        if tree == parent_tree:
            what = ' '.join(step.paths) or 'MAINTAINERS lines'
            say('%s: skipped, nothing to add yet (%s)' % (step.name, what))
            continue
        tpl = os.path.join(psrc, step.name + '.txt')
        if not os.path.exists(tpl):
            die('no changelog for %s: write %s' % (step.name, os.path.relpath(tpl, repo)))
        msg = fill(open(tpl).read().strip('\n'), values, missing)
        msg += '\n\nSigned-off-by: %s <%s>\n' % (os.environ['GIT_AUTHOR_NAME'],
                                                  os.environ['GIT_AUTHOR_EMAIL'])
        parent = git('commit-tree', tree, '-p', parent, data=msg)
        parent_tree = tree
        made.append((step.name, msg.split('\n')[0]))
        say('%s: %s' % (step.name, msg.split('\n')[0]))
    run(['rm', '-rf', scratch])
    values['series'] = '\n'.join('  %d/%d %s' % (i + 1, len(made), subj)
                                 for i, (_, subj) in enumerate(made))
    skipped = [s.name for s in steps if s.name not in dict(made) and s.paths]
    if skipped:
        values['series'] += ('\n\nNot in this posting, their files do not exist yet: %s.'
                             % ', '.join(skipped))
    if not made:
        die('nothing to send: none of the files in harness/patches/series exists')
    git('update-ref', 'refs/heads/series', parent)

    # The cover letter comes from the branch description: its first
    # paragraph is the subject, the rest the body.
    tpl = os.path.join(psrc, '00-cover.txt')
    cover = fill(open(tpl).read().strip('\n'), values, missing)
    git('config', 'branch.series.description', cover)
    os.makedirs(out, exist_ok=True)
    for old in glob.glob(os.path.join(out, '*.patch')):
        os.unlink(old)
    extra = shlex.split(os.environ.get('FORMAT_PATCH_FLAGS', ''))
    # Whatever the user's git config says, the patches must apply with
    # git am -p1; a rewritten file reads better whole (--break-rewrites).
    names = git('-c', 'core.abbrev=12', '-c', 'diff.noprefix=false',
                '-c', 'diff.mnemonicPrefix=false', '-c', 'format.signOff=false',
                'format-patch', '--break-rewrites', '--cover-letter',
                '--cover-from-description=subject', '-o', out, *extra,
                'base..series').split('\n')
    for n in names:
        print(os.path.relpath(n, repo) if n.startswith(repo) else n)
    if missing:
        say('figures not filled in yet (they read "%s"): %s; add them to '
            'harness/patches/figures.txt' % (MISSING, ', '.join(sorted(missing))))


if __name__ == '__main__':
    main()
