{#- A module's outputs.tf, from its interface.yaml (gen/iface.c): values
    are HCL as the interface writes them. -#}
{%- for o in outputs %}

output "{{ o.name }}" {
  description = {{ o.description | hcl }}
  value       = {{ o.value }}
{%- if o.sensitive %}
  sensitive = true
{%- endif %}
}
{%- endfor %}

