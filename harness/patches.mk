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

# make fixes: the fixes series for v6.12's own workqueue.c (harness/fixes/)
# in out/fixes/;  make fixes-check: git am on a pristine tree, a build after
# every patch, checkpatch --strict and get_maintainer, as patches-check.
.PHONY: fixes fixes-check
fixes: deps
	@FORMAT_PATCH_FLAGS='$(FORMAT_PATCH_FLAGS)' RESULTS='$(RESULTS)' $(H)/patches.sh fixes

fixes-check: deps
	@OUT=$(CURDIR)/out/fixes SERIES_REF=fixes CHECK_DIR=$(BUILD)/patches/check-fixes \
		MAKE_TARGET=fixes BISECT=$(or $(BISECT),1) \
		CHECKPATCH_FLAGS='--ignore UNKNOWN_COMMIT_ID' \
		ALLOW_MISSING_FIGURES=$(ALLOW_MISSING_FIGURES) $(H)/patches-check.sh
