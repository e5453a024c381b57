#!/usr/bin/env bash
# tests/cli/test_compare_claims.sh - `frontline run compare-claims` on
# sample_data/: the layers of one file and their rows, the claims verdicts
# that follow by hand from sample_data/README.md ("Who holds what"), and the
# refusals (a bad rule, an unknown reference, a reference without claims,
# a GeoJSON output of several layers, an existing output).
. "$(dirname "$0")/lib.sh"
need_sample control.geojson settlements.geojson claims.geojson
CTL=$SAMPLE/control.geojson
PTS=$SAMPLE/settlements.geojson
CLM=$SAMPLE/claims.geojson

run run compare-claims --control "$CTL" --settlements "$PTS" --claims "$CLM" --reference source_ua \
  --output "$TMP/cc.gpkg"
expect_rc 0
expect_in "$OUT" "(layer disagreement) written to"
expect_eq "$(layers "$TMP/cc.gpkg" | tr '\n' ' ')" "claims disagreement settlement_agreement " \
  "layers of the output"
# dates typed as dates (GeoPackage DATE: OGR and QGIS read a Date field)
for col in "disagreement date_a" "disagreement date_b" "settlement_agreement date" \
  "settlement_agreement disputed_since" "claims claim_date" "claims confirmed_date" "claims as_of_date"; do
  # shellcheck disable=SC2086  # two words: layer and column
  set -- $col
  expect_in_so=$(ogrinfo -ro -so "$TMP/cc.gpkg" "$1" 2>/dev/null | grep -c "^$2: Date")
  expect_eq "$expect_in_so" 1 "$1.$2 is a Date field"
done
# 50 settlements x 2 dates (both sources on each date)
expect_eq "$(count "$TMP/cc.gpkg" settlement_agreement)" 100 "settlement_agreement rows"
expect_eq "$(count "$TMP/cc.gpkg" claims)" 6 "one row per claim"
# every disagreement row pairs the two sources on one date, source_a first
expect_eq "$(sql "$TMP/cc.gpkg" "SELECT count(*) FROM disagreement WHERE source_a <> 'source_ru' OR source_b <> 'source_ua' OR date_a <> date_b OR area_km2 <= 0")" \
  0 "disagreement rows pair source_ru with source_ua on one date"
# Toretsk (id 1): both sources give UA on 2024-10-15 (README: UA-held), then
# source_ru RU and source_ua UA on 2025-02-15: disputed since 2025-02-15.
expect_eq "$(sql "$TMP/cc.gpkg" "SELECT combined || '/' || agree FROM settlement_agreement WHERE settlement_fid = 1 AND date = '2024-10-15'")" \
  "UA/1" "Toretsk 2024-10-15"
expect_eq "$(sql "$TMP/cc.gpkg" "SELECT combined || '/' || agree || '/' || disputed_since FROM settlement_agreement WHERE settlement_fid = 1 AND date = '2025-02-15'")" \
  "disputed/0/2025-02-15" "Toretsk 2025-02-15"
# Zalizne (10): UA per source_ua, RU per source_ru on 2024-10-15; Novoselivka
# (30) lies outside every polygon: unknown, which never votes.
expect_eq "$(sql "$TMP/cc.gpkg" "SELECT holder_source_ua || '/' || holder_source_ru || '/' || combined FROM settlement_agreement WHERE settlement_fid = 10 AND date = '2024-10-15'")" \
  "UA/RU/disputed" "Zalizne 2024-10-15"
expect_eq "$(sql "$TMP/cc.gpkg" "SELECT combined || '/' || coalesce(agree, 'null') FROM settlement_agreement WHERE settlement_fid = 30 AND date = '2024-10-15'")" \
  "unknown/null" "Novoselivka: unknown, no agreement to speak of"
# a tie goes to the named source; priority takes the first that votes
run run compare-claims --control "$CTL" --settlements "$PTS" --rule majority:source_ru --output "$TMP/cc2.gpkg"
expect_rc 0
expect_eq "$(sql "$TMP/cc2.gpkg" "SELECT combined FROM settlement_agreement WHERE settlement_fid = 1 AND date = '2025-02-15'")" \
  "RU" "Toretsk 2025-02-15, ties to source_ru"
run run compare-claims --control "$CTL" --settlements "$PTS" --rule priority:source_ua,source_ru --output "$TMP/cc3.gpkg"
expect_rc 0
expect_eq "$(sql "$TMP/cc3.gpkg" "SELECT combined FROM settlement_agreement WHERE settlement_fid = 1 AND date = '2025-02-15'")" \
  "UA" "Toretsk 2025-02-15, source_ua first"
# Bakhmut is RU on both dates and the claim (UA, 2026-12-01) comes after the
# last reference date: not confirmed as of 2025-02-15.
expect_eq "$(sql "$TMP/cc.gpkg" "SELECT status || '/' || as_of_date FROM claims WHERE name = 'Bakhmut'")" \
  "not_confirmed/2025-02-15" "Bakhmut claim"
expect_eq "$(sql "$TMP/cc.gpkg" "SELECT count(*) FROM claims WHERE status NOT IN ('confirmed', 'not_confirmed', 'contradicted')")" \
  0 "every verdict is one of three"

# refusals: one sentence, exit 1, no file
run run compare-claims --control "$CTL" --settlements "$PTS" --rule vote --output "$TMP/bad1.gpkg"
expect_rc 1
expect_in "$ERR" "--rule must be 'majority', 'majority:SOURCE' or 'priority:SOURCE,SOURCE,...', got 'vote'"
expect_no_file "$TMP/bad1.gpkg"
run run compare-claims --control "$CTL" --claims "$CLM" --settlements "$PTS" --reference nobody --output "$TMP/bad2.gpkg"
expect_rc 1
expect_in "$ERR" "--reference 'nobody' must name a source of control layer"
expect_no_file "$TMP/bad2.gpkg"
run run compare-claims --control "$CTL" --reference source_ua --output "$TMP/bad3.gpkg"
expect_rc 1
expect_in "$ERR" "--reference is given without --claims"
run run compare-claims --control "$CTL" --claims "$CLM" --reference source_ua --output "$TMP/bad4.gpkg"
expect_rc 1
expect_in "$ERR" "pass --settlements or give the claim a geometry"
run run compare-claims --control "$CTL" --settlements "$PTS" --output "$TMP/cc.geojson"
if [ "$RC" -ne 0 ]; then pass; else fail "$LAST: a GeoJSON output of two layers was accepted"; fi
expect_no_file "$TMP/cc.geojson"
run run compare-claims --control "$CTL" --output "$TMP/cc.gpkg"
expect_rc 1
expect_in "$ERR" "pass --overwrite"
finish
