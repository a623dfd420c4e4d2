# Sums the line coverage of Cobertura reports (one per test assembly) per source folder: a line
# counts as covered when any report saw it run. Prints a table, and "below: Folder …" for each
# folder that must reach the threshold and does not.
#   awk -v required="Payments Orders" -v threshold=90 -f coverage.awk report.xml…
/<source>/ {
  src = $0; sub(/.*<source>/, "", src); sub(/<\/source>.*/, "", src)
}
/<class / {
  file = $0; sub(/.*filename="/, "", file); sub(/".*/, "", file)
  gsub(/\\/, "/", file)
  if (substr(file, 1, 1) != "/") file = src "/" file
  gsub(/\/+/, "/", file)
  # src/Paydesk.Core counts as one; in src/Paydesk, the first folder ("Payments/Mock/MockProvider.cs" → Payments).
  if (file ~ /\/src\/Paydesk\.Core\//) folder = "Paydesk.Core"
  else if (match(file, /\/src\/Paydesk\//)) {
    rest = substr(file, RSTART + RLENGTH)
    n = split(rest, parts, "/")
    folder = n > 1 ? parts[1] : "(root)"
  } else folder = "(other)"
}
/<line number=/ {
  number = $0; sub(/.*number="/, "", number); sub(/".*/, "", number)
  hits = $0; sub(/.*hits="/, "", hits); sub(/".*/, "", hits)
  key = folder SUBSEP file SUBSEP number
  if (!(key in seen)) { seen[key] = 1; lines[folder]++ }
  if (hits + 0 > 0 && !(key in hit)) { hit[key] = 1; covered[folder]++ }
}
END {
  split(required, must, " ")
  for (i in must) needed[must[i]] = 1
  printf "%-16s %7s %7s %7s\n", "folder", "lines", "covered", "%"
  count = 0
  for (f in lines) names[++count] = f
  for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (names[j] < names[i]) { t = names[i]; names[i] = names[j]; names[j] = t }
  for (i = 1; i <= count; i++) {
    f = names[i]; pct = 100 * covered[f] / lines[f]
    printf "%-16s %7d %7d %6.1f%s\n", f, lines[f], covered[f], pct, (f in needed) ? "  (at least " threshold "%)" : ""
    if ((f in needed) && pct < threshold) below = below " " f
    delete needed[f]
  }
  for (f in needed) below = below " " f "(no lines seen)"
  if (below != "") print "below:" below
}
