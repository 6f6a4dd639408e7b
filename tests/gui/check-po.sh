#!/bin/sh
# check-po.sh SOURCE_ROOT: every translatable string in the files of
# po/POTFILES.in has a German translation in po/de.po (none missing, none
# fuzzy). Extracts with the same xgettext options as meson's glib preset.
#
# Copyright 2026 The Candor authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
cd "$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' po/POTFILES.in | grep -v '^$' > "$tmp/files"
xgettext --package-name=candor -o "$tmp/candor.pot" -f "$tmp/files" \
  --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 \
  --keyword=g_dpgettext2:2c,3 --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format \
  --flag=NC_:2:pass-c-format --flag=g_dngettext:2:pass-c-format \
  --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
  --flag=g_string_append_printf:2:c-format --flag=g_set_error:4:c-format
msgmerge --quiet --no-fuzzy-matching po/de.po "$tmp/candor.pot" -o "$tmp/de.po"
msgattrib --untranslated --no-obsolete "$tmp/de.po" > "$tmp/missing.po"
msgattrib --only-fuzzy --no-obsolete "$tmp/de.po" > "$tmp/fuzzy.po"
total=$(grep -c '^msgid ' "$tmp/candor.pot")
missing=$(grep -c '^msgid ' "$tmp/missing.po" || true)
fuzzy=$(grep -c '^msgid ' "$tmp/fuzzy.po" || true)
echo "de.po: $total messages; $missing untranslated, $fuzzy fuzzy"
if [ "$missing" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
  grep -h '^msgid ' "$tmp/missing.po" "$tmp/fuzzy.po" | grep -v '^msgid ""$' | head -20 >&2
  exit 1
fi
