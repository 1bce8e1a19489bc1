#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fixes.py: the fixes series, v6.12's own kernel/workqueue.c mended one bug
per patch, written with `git format-patch` into out/fixes/.

harness/fixes/NN-name.diff is a fix, a diff of kernel/workqueue.c against the
base plus the fixes before it; NN-name.txt is its changelog (subject, blank
line, body with its tags).  00-cover.txt is the cover letter, figures.txt
fills its @name@ figures as in harness/patches.  Run by `patches.sh fixes`,
which sets the environment that patches.py documents."""
import glob
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from patches import (die, fill, read_figures, results_summary,  # noqa: E402
                     scratch_git, say)

TARGET = 'kernel/workqueue.c'


def main():
    repo, base, pgit, out = (os.environ[k] for k in ('REPO', 'BASE', 'PGIT', 'OUT'))
    ref = 'fixes'
    src = os.path.join(repo, 'harness/fixes')
    git = scratch_git(pgit, 'fixes.index')

    diffs = sorted(glob.glob(os.path.join(src, '[0-9][0-9]-*.diff')))
    if not diffs:
        die('no fixes in harness/fixes/')
    values = {'base': os.environ['BASE_VERSION'], 'package': os.environ['BASE_PACKAGE'],
              'results': results_summary(os.environ['BUILD'])}
    values.update({k: v for k, v in
                   read_figures(os.path.join(src, 'figures.txt')).items() if v.strip()})
    missing = set()

    scratch = tempfile.mkdtemp(prefix='wq-fixes.')
    work = os.path.join(scratch, TARGET)
    os.makedirs(os.path.dirname(work))
    shutil.copyfile(os.path.join(base, TARGET), work)
    git('read-tree', 'refs/heads/base')
    parent = git('rev-parse', 'refs/heads/base')
    made = []
    for d in diffs:
        name = os.path.basename(d)[:-len('.diff')]
        p = subprocess.run(['patch', '-s', '-p1', '--fuzz=0', '--no-backup-if-mismatch',
                            '-d', scratch, '-i', d], capture_output=True, text=True)
        if p.returncode:
            die('%s does not apply to the base plus the fixes before it: %s'
                % (os.path.relpath(d, repo), p.stdout + p.stderr))
        blob = git('hash-object', '-w', '--no-filters', work)
        git('update-index', '--cacheinfo', '100644,%s,%s' % (blob, TARGET))
        tpl = os.path.join(src, name + '.txt')
        if not os.path.exists(tpl):
            die('no changelog for %s: write %s' % (name, os.path.relpath(tpl, repo)))
        msg = fill(open(tpl).read().strip('\n'), values, missing)
        msg += '\nSigned-off-by: %s <%s>\n' % (os.environ['GIT_AUTHOR_NAME'],
                                                os.environ['GIT_AUTHOR_EMAIL'])
        parent = git('commit-tree', git('write-tree'), '-p', parent, data=msg)
        made.append(msg.split('\n')[0])
        say('%s: %s' % (name, made[-1]))
    shutil.rmtree(scratch)
    git('update-ref', 'refs/heads/' + ref, parent)

    values['series'] = '\n'.join('  %d/%d %s' % (i + 1, len(made), subj)
                                 for i, subj in enumerate(made))
    cover = fill(open(os.path.join(src, '00-cover.txt')).read().strip('\n'), values, missing)
    git('config', 'branch.%s.description' % ref, cover)
    os.makedirs(out, exist_ok=True)
    for old in glob.glob(os.path.join(out, '*.patch')):
        os.unlink(old)
    extra = shlex.split(os.environ.get('FORMAT_PATCH_FLAGS', ''))
    names = git('-c', 'core.abbrev=12', '-c', 'diff.noprefix=false',
                '-c', 'diff.mnemonicPrefix=false', '-c', 'format.signOff=false',
                'format-patch', '--cover-letter', '--cover-from-description=subject',
                '-o', out, *extra, 'base..' + ref).split('\n')
    for n in names:
        print(os.path.relpath(n, repo) if n.startswith(repo) else n)
    if missing:
        say('figures not filled in yet: %s; add them to harness/fixes/figures.txt'
            % ', '.join(sorted(missing)))


main()
