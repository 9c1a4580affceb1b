#!/usr/bin/env bash
# Prints one property of the Maven parent (pom.xml), where the project's versions are defined
# once, for shell scripts:  scripts/pom-property.sh kafka.version   (prints e.g. 4.3.x)
set -euo pipefail
name=${1:?usage: scripts/pom-property.sh PROPERTY}
pom=$(dirname "$0")/../pom.xml
value=$(sed -n "s:.*<${name//./\\.}>\([^<]*\)</${name//./\\.}>.*:\1:p" "$pom" | head -n1)
[[ -n $value ]] || { echo "pom-property: no <$name> in $pom" >&2; exit 1; }
echo "$value"
