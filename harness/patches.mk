# SPDX-License-Identifier: GPL-2.0
# The patch series: included by the top-level Makefile.
#
#   make patches        out/patches/: the series against the base, with a
#                       cover letter (git format-patch)
#   make patches-check  git am on a fresh pristine tree, build, checkpatch
#                       --strict, get_maintainer; BISECT=1 builds after
#                       every patch; ALLOW_MISSING_FIGURES=1 only lists
#                       figures not filled in yet instead of failing
#   make patches-figures  a draft of harness/patches/figures.txt from the
#                       last `make test` and `make bench`
#
# FORMAT_PATCH_FLAGS is passed to git format-patch, e.g.
# FORMAT_PATCH_FLAGS='--subject-prefix="RFC PATCH" -v2'.  RESULTS is the
# folder of `make test` results to quote (default $(BUILD)/results).

.PHONY: patches patches-check patches-figures

patches: deps
	@FORMAT_PATCH_FLAGS='$(FORMAT_PATCH_FLAGS)' RESULTS='$(RESULTS)' $(H)/patches.sh

patches-check: deps
	@BISECT=$(BISECT) ALLOW_MISSING_FIGURES=$(ALLOW_MISSING_FIGURES) $(H)/patches-check.sh

patches-figures:
	@RESULTS='$(RESULTS)' $(H)/patches-figures.py

# make docs-check: kernel-doc and `make SPHINXDIRS=core-api htmldocs` for
# workqueue.rst, compared with the base's warnings.
.PHONY: docs-check
docs-check: deps
	@$(H)/docs-check.sh $(IMPL)
