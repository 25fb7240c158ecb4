{#- One module per image built or republished here; an image given by URI
    is only in local.image_uris. -#}
{%- for image in images if image.kind != "uri" %}

module "{{ image.module }}" {
{%- if image.kind == "build" %}
  source = "../../modules/lambda-image-build"

  repository_name = {{ image.repository | hcl }}
  {#- the context stays where the spec has it, referenced relative to this
      stack (source_dir) so the tree can move as a whole #}
  source_dir = "${path.module}/{{ image.source_dir | hcl_escape }}"
  dockerfile = {{ image.dockerfile | hcl }}
  platform   = {{ image.platform | hcl }}
{%- if image.tag %}
  image_tag = {{ image.tag | hcl }}
{%- endif %}
{%- if image.build_args %}
  build_args = {
{%- for arg in image.build_args %}
    {{ arg.key | hcl_key }} = {{ arg.value | hcl }}
{%- endfor %}
  }
{%- endif %}
  tool    = var.build_tool
  sandbox = var.aws_endpoint_url != null
{%- else %}
  source = "../../modules/lambda-container"

  repository_name = {{ image.repository | hcl }}
  source_image    = {{ image.source | hcl }}
  source_tag      = {{ image.tag | hcl }}
  platform        = {{ image.platform | hcl }}
  tool            = var.republish_tool
  sandbox         = var.aws_endpoint_url != null
{%- endif %}
}
{%- endfor %}
