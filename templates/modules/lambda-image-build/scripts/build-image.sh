# Builds CLOUDCRON_CONTEXT (with CLOUDCRON_DOCKERFILE, relative to it) for
# CLOUDCRON_PLATFORM and pushes it to CLOUDCRON_DESTINATION (REPO:TAG) with
# CLOUDCRON_TOOL: docker (buildx, --provenance=false so the pushed manifest is
# a plain image Lambda accepts) or buildah (bud, then push in
# CLOUDCRON_PUSH_FORMAT: docker = v2s2 or oci). CLOUDCRON_BUILD_ARGS holds
# KEY=VALUE lines. Every value comes from the environment, quoted; any
# failure stops the apply.
set -euo pipefail

# Logs TOOL in to REGISTRY when it is an ECR registry, with a token from the
# AWS CLI (the same credentials as the provider); other registries use the
# tool's own configuration (~/.docker/config.json, containers-auth.json).
ecr_login() {
  local registry=$1 region
  [[ "$CLOUDCRON_ECR_LOGIN" == true ]] || return 0
  [[ "$registry" =~ ^[0-9]{12}\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$ ]] || return 0
  region=${BASH_REMATCH[2]}
  echo "cloudcron: logging $CLOUDCRON_TOOL in to $registry"
  case "$CLOUDCRON_TOOL" in
    docker) aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry" ;;
    crane) aws ecr get-login-password --region "$region" | crane auth login "$registry" --username AWS --password-stdin ;;
    *) aws ecr get-login-password --region "$region" | "$CLOUDCRON_TOOL" login --username AWS --password-stdin "$registry" ;;
  esac
}

need() {
  command -v "$1" >/dev/null || { echo "cloudcron: $1 is not installed (tool = $CLOUDCRON_TOOL)" >&2; exit 1; }
}

args=()
while IFS= read -r kv; do
  [[ -n "$kv" ]] && args+=(--build-arg "$kv")
done <<<"$CLOUDCRON_BUILD_ARGS"
dockerfile="$CLOUDCRON_CONTEXT/$CLOUDCRON_DOCKERFILE"
[[ -f "$dockerfile" ]] || { echo "cloudcron: no $dockerfile" >&2; exit 1; }
need "$CLOUDCRON_TOOL"
ecr_login "${CLOUDCRON_DESTINATION%%/*}"

echo "cloudcron: building $CLOUDCRON_CONTEXT as $CLOUDCRON_DESTINATION ($CLOUDCRON_PLATFORM) with $CLOUDCRON_TOOL"
case "$CLOUDCRON_TOOL" in
  docker)
    docker buildx build --platform "$CLOUDCRON_PLATFORM" --provenance=false --sbom=false \
      --output "type=image,push=true,oci-mediatypes=$([[ "$CLOUDCRON_PUSH_FORMAT" == oci ]] && echo true || echo false)" \
      --file "$dockerfile" --tag "$CLOUDCRON_DESTINATION" "${args[@]}" "$CLOUDCRON_CONTEXT"
    ;;
  buildah)
    digestfile=$(mktemp)
    trap 'rm -f "$digestfile"' EXIT
    buildah bud --platform "$CLOUDCRON_PLATFORM" --file "$dockerfile" --tag "$CLOUDCRON_DESTINATION" \
      "${args[@]}" "$CLOUDCRON_CONTEXT"
    buildah push --format "$CLOUDCRON_PUSH_FORMAT" --digestfile "$digestfile" \
      "$CLOUDCRON_DESTINATION" "docker://$CLOUDCRON_DESTINATION"
    echo "cloudcron: $CLOUDCRON_DESTINATION is $(cat "$digestfile")"
    ;;
  *)
    echo "cloudcron: unknown tool '$CLOUDCRON_TOOL' (docker or buildah)" >&2
    exit 1
    ;;
esac
