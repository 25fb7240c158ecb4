{#- The channels' file templates: the private bucket and one object per
    file (included by main.tf when a wired channel has one). -#}
# The channels' file templates: copied into templates/ beside this file and
# uploaded to a private, encrypted bucket; each channel may read its own
# object only.
resource "aws_s3_bucket" "templates" {
  bucket        = "{{ project | hcl_escape }}-templates-${data.aws_caller_identity.current.account_id}"
  force_destroy = true
}

resource "aws_s3_bucket_public_access_block" "templates" {
  bucket                  = aws_s3_bucket.templates.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "templates" {
  bucket = aws_s3_bucket.templates.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "templates" {
  bucket = aws_s3_bucket.templates.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# TLS only: any request over plain HTTP is denied, whoever makes it.
# Left out in the sandbox, which is plain HTTP (moto enforces the policy).
resource "aws_s3_bucket_policy" "templates" {
  count = var.aws_endpoint_url == null ? 1 : 0

  bucket = aws_s3_bucket.templates.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.templates.arn, "${aws_s3_bucket.templates.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })

  depends_on = [aws_s3_bucket_public_access_block.templates]
}
{%- macro object(id, folder, file) %}

resource "aws_s3_object" "{{ id }}" {
  bucket                 = aws_s3_bucket.templates.bucket
  key                    = "{{ folder | hcl_escape }}/{{ file | hcl_escape }}"
  source                 = "${path.module}/templates/{{ folder | hcl_escape }}/{{ file | hcl_escape }}"
  etag                   = filemd5("${path.module}/templates/{{ folder | hcl_escape }}/{{ file | hcl_escape }}")
  server_side_encryption = "AES256"

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.templates]
}
{%- endmacro %}
{%- for n in notifications if n.wired %}
{%- if n.text and n.text.kind == "file" %}
{#- the text part's template, under KEY.text/ -#}
{{ object(n.text.object, n.text.folder, n.text.file) }}
{%- endif %}
{%- if n.template.kind == "file" %}
{{- object(n.template.object, n.template.folder, n.template.file) }}
{#- the templates it includes, imports or extends, beside it (the handler
    loads them from the same prefix) -#}
{%- for part in n.template.parts %}
{{- object(part.id, n.template.folder, part.path) }}
{%- endfor %}
{%- endif %}
{%- endfor %}
