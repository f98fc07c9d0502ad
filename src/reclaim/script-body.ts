// The fixed part of the reclaim script (POSIX sh with `local`, as dash, bash and busybox have it).
// render-script.ts puts the per-cluster settings in front of it. Kept free of `${` and backquotes so
// it can be a raw string: what is here is byte for byte what runs on the node.
//
// Tools it needs, all in Debian's and Ubuntu's cloud images: curl >= 7.75 (--aws-sigv4), sed, awk,
// tr, od, ip (iproute2), nft (nftables), date, mkdir, mv.
//
// Which secondary IP is ours follows `up` (src/aws/resources/secondary-private-ip.ts): an ENI tag
// solokube.io/secondary-ip/<ip>=<cluster> per address, written BEFORE exactly that address is
// assigned (the address is chosen here from the subnet's free ones), so no interruption can leave
// an address that neither `up` nor this script could prove was ours.

export const RECLAIM_SCRIPT_BODY = String.raw`
IMDS=http://169.254.169.254
CHANGES=''
LAST_ERROR=''
INSTANCE_ID=''; ENI=''; OURS=''; EIP=''; ALLOC=''; SUBNET_ID=''; SUBNET_CIDR=''

log() { printf '%s\n' "solokube-reclaim: $*" >&2; }
# <3> makes journald record the line at priority err.
err() { printf '<3>%s\n' "solokube-reclaim: $*" >&2; }

json_str() { printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g'; }

write_state() {
  local dir tmp
  dir=$(dirname "$STATE_FILE")
  mkdir -p "$dir" || return 0
  tmp="$STATE_FILE.tmp.$$"
  printf '{"result":"%s","at":"%s","cluster":"%s","instanceId":"%s","networkInterfaceId":"%s","secondaryIp":"%s","elasticIp":"%s","allocationId":"%s","changes":[%s],"message":"%s"}\n' \
    "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$CLUSTER" "$(json_str "$INSTANCE_ID")" "$(json_str "$ENI")" \
    "$(json_str "$OURS")" "$(json_str "$EIP")" "$(json_str "$ALLOC")" "$CHANGES" "$(json_str "$2")" >"$tmp" && mv -f "$tmp" "$STATE_FILE"
}

fail() {
  err "FAILED: $*"
  write_state failed "$*"
  exit 1
}

changed() {
  log "changed: $1"
  if [ -z "$CHANGES" ]; then CHANGES="\"$(json_str "$1")\""; else CHANGES="$CHANGES,\"$(json_str "$1")\""; fi
}

# retry WHAT COMMAND...: runs COMMAND until it returns 0, waiting 1, 2, 4, 8, 8... s in between, at
# most ATTEMPTS times. A COMMAND returning 2 failed for good (e.g. access denied) and is not retried.
retry() {
  local what n delay rc
  what=$1; shift
  n=1; delay=1
  while :; do
    "$@"; rc=$?
    [ "$rc" -eq 0 ] && return 0
    [ "$rc" -eq 2 ] && return 2
    if [ "$n" -ge "$ATTEMPTS" ]; then
      err "$what: giving up after $n attempts: $LAST_ERROR"
      return 1
    fi
    log "$what: attempt $n failed ($LAST_ERROR); retrying in $delay s"
    sleep "$delay"
    n=$((n + 1)); delay=$((delay * 2)); [ "$delay" -gt 8 ] && delay=8
  done
}

# --- instance metadata (IMDSv2) ---------------------------------------------------------------
TOKEN=''
imds_token() {
  TOKEN=$(curl -sS -f --max-time 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$IMDS/latest/api/token" 2>&1) && [ -n "$TOKEN" ] && return 0
  LAST_ERROR="PUT $IMDS/latest/api/token: $TOKEN"; TOKEN=''; return 1
}
# imds PATH: prints the metadata at /latest/PATH.
imds() { curl -sS -f --max-time 2 -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/latest/$1"; }
# json_field NAME: the string value of "NAME" in the JSON on stdin (flat documents only).
json_field() { tr -d '\n' | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"; }

IDENTITY=''
read_identity() {
  local doc mac role creds
  doc=$(imds dynamic/instance-identity/document) || { LAST_ERROR='no instance identity document'; return 1; }
  REGION=$(printf '%s' "$doc" | json_field region)
  INSTANCE_ID=$(printf '%s' "$doc" | json_field instanceId)
  mac=$(imds meta-data/mac) || { LAST_ERROR='no meta-data/mac'; return 1; }
  MAC=$mac
  ENI=$(imds "meta-data/network/interfaces/macs/$mac/interface-id") || { LAST_ERROR="no interface-id for $mac"; return 1; }
  SUBNET_ID=$(imds "meta-data/network/interfaces/macs/$mac/subnet-id") || { LAST_ERROR="no subnet-id for $mac"; return 1; }
  SUBNET_CIDR=$(imds "meta-data/network/interfaces/macs/$mac/subnet-ipv4-cidr-block") || { LAST_ERROR="no subnet-ipv4-cidr-block for $mac"; return 1; }
  role=$(imds meta-data/iam/security-credentials/) || { LAST_ERROR='no instance role (is an instance profile attached?)'; return 2; }
  role=$(printf '%s\n' "$role" | head -n 1)
  creds=$(imds "meta-data/iam/security-credentials/$role") || { LAST_ERROR="no credentials for role $role"; return 1; }
  AKID=$(printf '%s' "$creds" | json_field AccessKeyId)
  SECRET=$(printf '%s' "$creds" | json_field SecretAccessKey)
  SESSION_TOKEN=$(printf '%s' "$creds" | json_field Token)
  ROLE=$role
  return 0
}

# --- EC2 Query API, signed by curl with the role's temporary credentials ------------------------
# The keys go to curl on stdin (-K -), never on its command line, where any user could read them.
REPLY=''; CODE=''
# ec2 BODY: one call. REPLY holds the response body, CODE the error code (empty on success).
# Returns 0 on success, 1 when a retry may help (network, throttling, 5xx), 2 when it cannot.
ec2() {
  local out status
  out=$(printf 'user = "%s:%s"\nheader = "X-Amz-Security-Token: %s"\n' "$AKID" "$SECRET" "$SESSION_TOKEN" |
    curl -sS --max-time 10 -K - --aws-sigv4 "aws:amz:$REGION:ec2" -w '\n%{http_code}' \
      --data "$1&Version=2016-11-15" "$EC2_ENDPOINT" 2>&1)
  if [ $? -ne 0 ]; then CODE=network; LAST_ERROR="EC2 $EC2_ENDPOINT unreachable: $(printf '%s' "$out" | tail -n 1)"; return 1; fi
  status=$(printf '%s' "$out" | tail -n 1)
  REPLY=$(printf '%s' "$out" | sed '$d')
  CODE=$(printf '%s' "$REPLY" | tr -d '\n' | sed -n 's:.*<Code>\([^<]*\)</Code>.*:\1:p')
  case "$status" in 2??) CODE=''; return 0 ;; esac
  LAST_ERROR="$(printf '%s' "$1" | cut -d'&' -f1 | cut -d= -f2): HTTP $status $CODE: $(printf '%s' "$REPLY" | tr -d '\n' | sed -n 's:.*<Message>\([^<]*\)</Message>.*:\1:p')"
  case "$CODE" in
    DryRunOperation) return 0 ;;
    RequestLimitExceeded|Throttling|InternalError|ServiceUnavailable|Unavailable|InsufficientAddressCapacity) return 1 ;;
  esac
  case "$status" in 5??) return 1 ;; esac
  return 2
}

# dry_run BODY: asks EC2 whether the call would be allowed, without making it.
dry_run() {
  local rc
  ec2 "$1&DryRun=true"; rc=$?
  [ "$rc" -eq 0 ] || { LAST_ERROR="dry run: $LAST_ERROR"; return "$rc"; }
  [ "$CODE" = DryRunOperation ] && return 0
  LAST_ERROR="dry run of $(printf '%s' "$1" | cut -d'&' -f1) did not answer DryRunOperation"; return 2
}

# xml_paths: the XML on stdin as one "path=value" line per leaf; list members are item1, item2...
xml_paths() {
  tr -d '\r\n' | sed 's/>[[:space:]]*</>\n</g' | awk '
    /^<\?/ { next }
    /^<\// { d--; next }
    /\/>$/ { next }
    {
      if (!match($0, /^<[^>]*>/)) next
      tag = substr($0, 2, RLENGTH - 2); sub(/[ \t].*/, "", tag)
      rest = substr($0, RLENGTH + 1); parent = path[d]
      if (tag == "item") { n[parent]++; tag = "item" n[parent] }
      if (rest == "") { d++; path[d] = parent "/" tag; next }
      sub(/<\/[^>]*>$/, "", rest)
      print parent "/" tag "=" rest
    }'
}

# items SET FIELD...: from xml_paths lines, one line per member of the list SET with the FIELDs
# (nested ones as a/b) separated by spaces; "-" for a missing value.
items() {
  local set
  set=$1; shift
  awk -v set="$set" -v fields="$*" '
    BEGIN { nf = split(fields, f, " ") }
    {
      eq = index($0, "="); p = substr($0, 1, eq - 1); v = substr($0, eq + 1)
      i = index(p, "/" set "/item"); if (i == 0) next
      start = i + length(set) + 2; rest = substr(p, start)
      slash = index(rest, "/"); if (slash == 0) next
      id = substr(p, 1, start + slash - 2); field = substr(rest, slash + 1)
      if (!(id in seen)) { seen[id] = 1; order[++count] = id }
      val[id, field] = v
    }
    END {
      for (c = 1; c <= count; c++) {
        line = ""
        for (j = 1; j <= nf; j++) { x = val[order[c], f[j]]; if (x == "") x = "-"; line = line (j > 1 ? " " : "") x }
        print line
      }
    }'
}

is_ipv4() { printf '%s' "$1" | grep -Eq '^([0-9]{1,3}\.){3}[0-9]{1,3}$'; }

# --- what EC2 says now ---------------------------------------------------------------------------
SECONDARIES=''; TAGGED=''
describe_eni() {
  local paths
  ec2 "Action=DescribeNetworkInterfaces&NetworkInterfaceId.1=$ENI" || return $?
  paths=$(printf '%s' "$REPLY" | xml_paths)
  SECONDARIES=$(printf '%s\n' "$paths" | items privateIpAddressesSet privateIpAddress primary | awk '$2 == "false" { print $1 }')
  # The addresses our records name (on the ENI or not): keys PREFIX<ip> whose value is the cluster.
  TAGGED=$(printf '%s\n' "$paths" | items tagSet key value |
    awk -v p="$SECONDARY_TAG_PREFIX" -v c="$CLUSTER" 'index($1, p) == 1 && $2 == c { print substr($1, length(p) + 1) }')
  return 0
}

# subnet_in_use: IN_USE, every private address an interface in our subnet holds, one a line.
# (DescribeNetworkInterfaces without MaxResults answers with every match in one page.)
IN_USE=''
subnet_in_use() {
  ec2 "Action=DescribeNetworkInterfaces&Filter.1.Name=subnet-id&Filter.1.Value.1=$SUBNET_ID" || return $?
  IN_USE=$(printf '%s' "$REPLY" | xml_paths | awk -F= '$1 ~ /\/privateIpAddressesSet\/item[0-9]+\/privateIpAddress$/ { print $2 }')
  return 0
}

# pick_free TAKEN: prints one free assignable address of the subnet, chosen at random (two allocators
# reading the subnet at once rarely pick the same one). AWS reserves the first four addresses and
# the last one of every subnet; TAKEN adds addresses to avoid.
pick_free() {
  printf '%s\n%s\n' "$IN_USE" "$1" | awk -v cidr="$SUBNET_CIDR" -v seed="$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')" '
    function num(s,  a) { split(s, a, "."); return ((a[1] * 256 + a[2]) * 256 + a[3]) * 256 + a[4] }
    function dotted(n) { return int(n / 16777216) "." (int(n / 65536) % 256) "." (int(n / 256) % 256) "." (n % 256) }
    NF > 0 { used[$0] = 1 }
    END {
      split(cidr, c, "/"); bits = c[2] + 0
      if (bits < 16 || bits > 28) exit 1
      size = 2 ^ (32 - bits); first = num(c[1]); first -= first % size
      k = 0
      for (n = first + 4; n < first + size - 1; n++) { ip = dotted(n); if (!(ip in used)) free[++k] = ip }
      if (k == 0) exit 1
      srand(seed); print free[int(rand() * k) + 1]
    }'
}

ASSOC_ENI=''; ASSOC_IP=''
describe_eip() {
  local found count
  ec2 "Action=DescribeAddresses&$EIP_FILTERS" || return $?
  found=$(printf '%s' "$REPLY" | xml_paths | items addressesSet allocationId publicIp networkInterfaceId privateIpAddress)
  count=$(printf '%s' "$found" | grep -c .)
  if [ "$count" -eq 0 ]; then LAST_ERROR="no Elastic IP tagged $EIP_DESCRIPTION (run solokube up once to allocate it)"; return 2; fi
  if [ "$count" -gt 1 ]; then LAST_ERROR="$count Elastic IPs tagged $EIP_DESCRIPTION ($(printf '%s' "$found" | awk '{ print $2 }' | tr '\n' ' ')); which one is ours is not clear"; return 2; fi
  set -- $found
  ALLOC=$1; EIP=$2; ASSOC_ENI=$3; ASSOC_IP=$4
  [ "$ASSOC_ENI" = - ] && ASSOC_ENI=''
  [ "$ASSOC_IP" = - ] && ASSOC_IP=''
  return 0
}

# The Elastic IP must be free or already ours; while the replaced instance's interface is still
# being deleted it may hold it for a moment, so this is retried before it counts as a conflict.
eip_free_or_ours() {
  describe_eip || return $?
  [ -z "$ASSOC_ENI" ] && return 0
  [ "$ASSOC_ENI" = "$ENI" ] && [ -n "$OURS" ] && [ "$ASSOC_IP" = "$OURS" ] && return 0
  LAST_ERROR="Elastic IP $EIP ($ALLOC) is associated with $ASSOC_ENI $ASSOC_IP, not with this node's secondary address; it is not moved silently (disassociate it, then restart $UNIT)"
  return 1
}

contains_line() { printf '%s\n' "$1" | grep -qxF "$2"; }

# record IP / forget IP: write or remove the ENI tag that names IP as ours.
# tag_call ACTION IP: the body of a CreateTags/DeleteTags call for the record of IP.
tag_call() { printf 'Action=%s&ResourceId.1=%s&Tag.1.Key=%s%s&Tag.1.Value=%s' "$1" "$ENI" "$SECONDARY_TAG_PREFIX_Q" "$2" "$CLUSTER_Q"; }
record() { ec2 "$(tag_call CreateTags "$1")"; }
forget() { ec2 "$(tag_call DeleteTags "$1")"; }

# assign_exactly IP: assigns IP to the ENI. Not idempotent: the call may have worked before its reply
# was lost, so a failure that a retry may help counts as success once IP is on the ENI.
assign_exactly() {
  local rc
  ec2 "Action=AssignPrivateIpAddresses&NetworkInterfaceId=$ENI&PrivateIpAddress.1=$1"; rc=$?
  [ "$rc" -eq 1 ] || return "$rc"
  describe_eni || return 1
  contains_line "$SECONDARIES" "$1" && return 0
  return 1
}

# assign_recorded: chooses a free address, records it on the ENI, then assigns exactly it; OURS is
# then that address. Taken by another interface in between (InvalidIPAddress.InUse): its record is
# removed and another address chosen, at most 3 times. Any other failure removes the record unless
# the address is on the ENI after all, so a refused assignment leaves nothing behind.
assign_recorded() {
  local choice ip rc taken why code
  choice=1; taken=''
  while :; do
    retry 'DescribeNetworkInterfaces (subnet)' subnet_in_use || return 1
    ip=$(pick_free "$taken") && is_ipv4 "$ip" || { LAST_ERROR="subnet $SUBNET_ID ($SUBNET_CIDR) has no free address for a secondary IP"; return 1; }
    # The record first: whatever stops this run from here on, the address is provably ours.
    retry CreateTags record "$ip" || return 1
    changed "recorded $ip on $ENI ($SECONDARY_TAG_PREFIX$ip=$CLUSTER)"
    retry AssignPrivateIpAddresses assign_exactly "$ip"; rc=$?
    if [ "$rc" -eq 0 ]; then OURS=$ip; return 0; fi
    why=$LAST_ERROR; code=$CODE
    if describe_eni && contains_line "$SECONDARIES" "$ip"; then OURS=$ip; return 0; fi
    if retry DeleteTags forget "$ip"; then changed "removed the record of $ip (never assigned)"
    else err "the record of $ip (never assigned) could not be removed: $LAST_ERROR; solokube up removes it"; fi
    LAST_ERROR=$why
    if [ "$code" = InvalidIPAddress.InUse ] && [ "$choice" -lt 3 ]; then
      log "$ip was taken by another interface before our assignment; choosing another"
      taken=$(printf '%s\n%s' "$taken" "$ip"); choice=$((choice + 1)); continue
    fi
    return 1
  done
}

local_ipv4s_show_ours() {
  imds "meta-data/network/interfaces/macs/$MAC/local-ipv4s" | grep -qxF "$OURS" && return 0
  LAST_ERROR="$OURS not yet in the metadata service's local-ipv4s"; return 1
}

iface_for_mac() {
  local d
  for d in /sys/class/net/*; do
    [ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && { basename "$d"; return 0; }
  done
  return 1
}

main() {
  local need_assign need_tag need_assoc had_addr same_rules
  log "start (cluster $CLUSTER)"
  curl --help all 2>/dev/null | grep -q -- '--aws-sigv4' || fail "curl on this node has no --aws-sigv4 (needs curl 7.75 or later)"
  retry 'IMDSv2 token' imds_token || fail "no IMDSv2 token from $IMDS: $LAST_ERROR (is the metadata service on, and its hop limit at least 1 for the host?)"
  retry 'instance metadata' read_identity || fail "instance metadata: $LAST_ERROR"
  printf '%s' "$REGION" | grep -Eq '^[a-z0-9-]+$' || fail "bad region from the identity document: $REGION"
  printf '%s' "$ENI" | grep -Eq '^eni-[0-9a-f]+$' || fail "bad interface id from the metadata service: $ENI"
  [ -n "$AKID" ] && [ -n "$SECRET" ] && [ -n "$SESSION_TOKEN" ] || fail "the metadata service gave no usable credentials for role $ROLE"
  # They go into a curl config between double quotes: refuse anything that could end the quotes.
  case "$AKID$SECRET$SESSION_TOKEN" in *'"'*|*'\'*) fail "the credentials for role $ROLE contain quotes or backslashes" ;; esac
  IFACE=$(iface_for_mac "$MAC") || fail "no network interface on this node has the MAC $MAC of $ENI"
  [ -n "$EC2_ENDPOINT" ] || EC2_ENDPOINT="https://ec2.$REGION.amazonaws.com/"
  log "instance $INSTANCE_ID in $REGION, $ENI on $IFACE, role $ROLE, EC2 at $EC2_ENDPOINT"

  retry DescribeNetworkInterfaces describe_eni || fail "$LAST_ERROR"
  retry DescribeAddresses describe_eip || fail "$LAST_ERROR"
  # Ours, as up decides it: a recorded secondary on the ENI (the one carrying our Elastic IP first),
  # else the secondary our tagged Elastic IP already sits on (its record is then written).
  for ip in $TAGGED; do
    contains_line "$SECONDARIES" "$ip" || continue
    if [ "$ASSOC_ENI" = "$ENI" ] && [ "$ASSOC_IP" = "$ip" ]; then OURS=$ip; break; fi
    [ -z "$OURS" ] && OURS=$ip
  done
  if [ -z "$OURS" ] && [ "$ASSOC_ENI" = "$ENI" ] && [ -n "$ASSOC_IP" ] && contains_line "$SECONDARIES" "$ASSOC_IP"; then OURS=$ASSOC_IP; fi
  retry 'Elastic IP free or ours' eip_free_or_ours || fail "$LAST_ERROR"
  need_assign=no; need_tag=no; need_assoc=no
  [ -z "$OURS" ] && need_assign=yes
  [ -n "$OURS" ] && ! contains_line "$TAGGED" "$OURS" && need_tag=yes
  if [ "$need_assign" = yes ] || [ "$ASSOC_ENI" != "$ENI" ] || [ "$ASSOC_IP" != "$OURS" ]; then need_assoc=yes; fi
  log "plan: record and assign a secondary $need_assign, record $OURS $need_tag, associate $EIP $need_assoc"

  # The changes are tried as dry runs first, so a missing permission stops the run before anything
  # changed. AssignPrivateIpAddresses has no DryRun parameter: its refusal removes the record written
  # just before it (DeleteTags, tried here too).
  if [ "$need_tag" = yes ] || [ "$need_assign" = yes ]; then
    retry 'may CreateTags' dry_run "$(tag_call CreateTags 0.0.0.0)" || fail "$LAST_ERROR"
  fi
  if [ "$need_assign" = yes ]; then
    retry 'may DeleteTags' dry_run "$(tag_call DeleteTags 0.0.0.0)" || fail "$LAST_ERROR"
  fi
  if [ "$need_assoc" = yes ]; then
    retry 'may AssociateAddress' dry_run "Action=AssociateAddress&AllocationId=$ALLOC&NetworkInterfaceId=$ENI&AllowReassociation=false" || fail "$LAST_ERROR"
  fi

  if [ "$need_assign" = yes ]; then
    assign_recorded || fail "$LAST_ERROR"
    changed "assigned secondary private IP $OURS to $ENI"
    retry 'address visible on the instance' local_ipv4s_show_ours || fail "$LAST_ERROR"
  fi
  is_ipv4 "$OURS" || fail "no usable secondary address ($OURS)"
  if [ "$need_tag" = yes ]; then
    retry CreateTags record "$OURS" || fail "$LAST_ERROR"
    changed "recorded $OURS on $ENI ($SECONDARY_TAG_PREFIX$OURS=$CLUSTER)"
  fi
  if [ "$need_assoc" = yes ]; then
    # PrivateIpAddress, or the address lands on the primary next to the API server; never reassociate.
    retry AssociateAddress ec2 "Action=AssociateAddress&AllocationId=$ALLOC&NetworkInterfaceId=$ENI&PrivateIpAddress=$OURS&AllowReassociation=false" || fail "$LAST_ERROR"
    changed "associated Elastic IP $EIP ($ALLOC) with $OURS"
  fi

  # On the node: exactly what solokube up sets, so a later up finds nothing to do.
  # As a /ADDRESS_PREFIX (32), never with the subnet's prefix: with it the kernel promotes the
  # address to the node's source when the primary is acquired again (src/node/paths.ts says more).
  # A stray one with another prefix (an earlier solokube's) goes first.
  for stray in $(ip -o -4 addr show dev "$IFACE" | awk -v a="$OURS" -v p="$ADDRESS_PREFIX" '{ split($4, x, "/") } x[1] == a && x[2] != p { print $4 }'); do
    ip addr del "$stray" dev "$IFACE" || fail "ip addr del $stray dev $IFACE failed"
    changed "removed $stray from $IFACE"
  done
  had_addr=$(ip -o -4 addr show dev "$IFACE" | awk '{ print $4 }' | grep -cxF "$OURS/$ADDRESS_PREFIX")
  ip addr replace "$OURS/$ADDRESS_PREFIX" dev "$IFACE" || fail "ip addr replace $OURS/$ADDRESS_PREFIX dev $IFACE failed"
  [ "$had_addr" -eq 0 ] && changed "added $OURS/$ADDRESS_PREFIX to $IFACE"
  # Where systemd-networkd manages the interface, the address also goes into the drop-in up writes
  # (same path and text as src/node/resources/secondary-address.ts), so a networkd restart keeps it.
  net_file=$(networkctl --no-pager --no-legend status "$IFACE" 2>/dev/null | sed -n 's|^ *Network File: \(/[A-Za-z0-9_.@+/-]*\.network\) *$|\1|p')
  if [ -n "$net_file" ]; then
    drop_in="/etc/systemd/network/$(basename "$net_file").d/50-solokube-secondary-ip.conf"
    mkdir -p "$(dirname "$drop_in")" || fail "cannot create the directory of $drop_in"
    networkd_drop_in | sed "s/$PLACEHOLDER/$OURS/g; s/$IFACE_PLACEHOLDER/$IFACE/g" >"$drop_in.tmp.$$" || fail "cannot write $drop_in"
    if cmp -s "$drop_in.tmp.$$" "$drop_in"; then
      rm -f "$drop_in.tmp.$$"
    else
      mv -f "$drop_in.tmp.$$" "$drop_in" || fail "cannot write $drop_in"
      # Not reloaded here: the address is already set, and networkd reads the drop-in at its next
      # reload or boot. A reload at this point reconfigured host0 under the running node and cut its
      # path to the metadata service in the lab (a later run found IMDS unreachable).
      changed "wrote $drop_in"
    fi
  fi
  mkdir -p "$(dirname "$RULES_FILE")" || fail "cannot create the directory of $RULES_FILE"
  nat_rules | sed "s/$PLACEHOLDER/$OURS/g" >"$RULES_FILE.tmp.$$" || fail "cannot write $RULES_FILE"
  same_rules=no
  cmp -s "$RULES_FILE.tmp.$$" "$RULES_FILE" && nft list table ip "$NFT_TABLE" >/dev/null 2>&1 && same_rules=yes
  mv -f "$RULES_FILE.tmp.$$" "$RULES_FILE" || fail "cannot write $RULES_FILE"
  # The file replaces our table in one transaction; loading it again when nothing changed is harmless.
  nft -f "$RULES_FILE" || fail "nft -f $RULES_FILE failed"
  [ "$same_rules" = yes ] || changed "loaded redirect rules for $OURS ($RULES_FILE)"

  if [ -z "$CHANGES" ]; then log "nothing to change: $EIP -> $OURS on $ENI ($IFACE)"; else log "done: $EIP -> $OURS on $ENI ($IFACE)"; fi
  write_state ok "Elastic IP $EIP on secondary $OURS of $ENI"
}

main "$@"
`;
