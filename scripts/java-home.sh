#!/usr/bin/env bash
# Print a JAVA_HOME whose java is 21 or newer: $JAVA_HOME if it qualifies, else the default
# `java`, else the newest JDK under /usr/lib/jvm (the Temurin JDK on Debian machines).
# Exit 1 with a message on stderr when there is none.
set -euo pipefail

major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'; }
ok() { [[ -x "$1/bin/java" && -x "$1/bin/javac" ]] && (( $(major "$1") >= 21 )); }

if [[ -n "${JAVA_HOME:-}" ]] && ok "$JAVA_HOME"; then echo "$JAVA_HOME"; exit 0; fi
if command -v javac >/dev/null; then
  home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  if ok "$home"; then echo "$home"; exit 0; fi
fi
best="" best_major=0
for home in /usr/lib/jvm/*/; do
  home=${home%/}
  [[ -L "$home" ]] && continue
  if ok "$home"; then
    m=$(major "$home")
    if (( m > best_major )); then best=$home best_major=$m; fi
  fi
done
if [[ -n "$best" ]]; then echo "$best"; exit 0; fi
echo "No JDK 21+ found (JAVA_HOME, PATH, /usr/lib/jvm). Install one, e.g. 'apt-get install temurin-21-jdk' or openjdk-21-jdk." >&2
exit 1
