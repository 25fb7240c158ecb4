# Copies CLOUDCRON_SOURCE (REPO:TAG or REPO@sha256:...) to
# CLOUDCRON_DESTINATION (REPO:TAG) with CLOUDCRON_TOOL (skopeo, docker or
# crane), one image for CLOUDCRON_PLATFORM (os/arch) as Lambda needs.
# Every value comes from the environment, quoted; any failure stops the apply.
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

os=${CLOUDCRON_PLATFORM%%/*}
arch=${CLOUDCRON_PLATFORM#*/}
need "$CLOUDCRON_TOOL"
ecr_login "${CLOUDCRON_SOURCE%%/*}"
ecr_login "${CLOUDCRON_DESTINATION%%/*}"

echo "cloudcron: copying $CLOUDCRON_SOURCE to $CLOUDCRON_DESTINATION with $CLOUDCRON_TOOL"
case "$CLOUDCRON_TOOL" in
  skopeo)
    skopeo copy --override-os "$os" --override-arch "$arch" \
      "docker://$CLOUDCRON_SOURCE" "docker://$CLOUDCRON_DESTINATION"
    digest=$(skopeo inspect --raw "docker://$CLOUDCRON_DESTINATION" | sha256sum | cut -d' ' -f1)
    ;;
  docker)
    # `imagetools create --platform` writes an image index, which Lambda
    # refuses: pick the platform's own manifest out of a source index, then
    # copy that one manifest as it is (--prefer-index=false, buildx >= 0.13).
    src=$CLOUDCRON_SOURCE{% raw %}
    type=$(docker buildx imagetools inspect "$src" --format '{{.Manifest.MediaType}}')
    case "$type" in
      *image.index*|*manifest.list*)
        pick=$(docker buildx imagetools inspect "$src" --format \
          "{{range .Manifest.Manifests}}{{if and (eq .Platform.OS \"$os\") (eq .Platform.Architecture \"$arch\")}}{{.Digest}} {{end}}{{end}}"){% endraw %}
        pick=${pick%% *}
        [[ "$pick" == sha256:* ]] || { echo "cloudcron: $src has no $CLOUDCRON_PLATFORM image" >&2; exit 1; }
        repo=${src%@*}
        [[ "$repo" == "$src" && "${repo##*/}" == *:* ]] && repo=${repo%:*}
        src="$repo@$pick"
        ;;
    esac
    docker buildx imagetools create --prefer-index=false --tag "$CLOUDCRON_DESTINATION" "$src"
    digest=$(docker buildx imagetools inspect --raw "$CLOUDCRON_DESTINATION" | sha256sum | cut -d' ' -f1)
    ;;
  crane)
    crane copy --platform "$CLOUDCRON_PLATFORM" "$CLOUDCRON_SOURCE" "$CLOUDCRON_DESTINATION"
    digest=$(crane digest "$CLOUDCRON_DESTINATION")
    digest=${digest#sha256:}
    ;;
  *)
    echo "cloudcron: unknown tool '$CLOUDCRON_TOOL' (skopeo, docker or crane)" >&2
    exit 1
    ;;
esac
echo "cloudcron: $CLOUDCRON_DESTINATION is sha256:$digest"
