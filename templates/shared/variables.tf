{#- A module's variables.tf, from its interface.yaml (gen/iface.c): type,
    default and conditions are HCL as the interface writes them. -#}
{%- for v in variables %}

variable "{{ v.name }}" {
  description = {{ v.description | hcl }}
  type        = {{ v.type }}
{%- if v.default is not none %}
  default = {{ v.default }}
{%- endif %}
{%- if v.nullable is not none %}
  nullable = {{ v.nullable | hcl_value }}
{%- endif %}
{%- if v.sensitive %}
  sensitive = true
{%- endif %}
{%- for check in v.validations %}

  validation {
    condition     = {{ check.condition }}
    error_message = {{ check.error_message | hcl }}
  }
{%- endfor %}
}
{%- endfor %}

