{#-
    The patients' histories (docs/data_model.md "Patients with histories"):
    the twelve chronic conditions and which diagnoses indicate each drug
    class. The lists are the generator's (generator/conditions.py:
    CONDITIONS and CLASS_INDICATIONS); tests/python/test_chronic_macros.py
    renders these macros and fails when the two drift apart.
-#}

{#-
    ehp_chronic_conditions()

    The data model's twelve chronic conditions, in the generator's order: a
    list of {key, name, prefixes}, the key being the scenario's prevalence
    setting without `prevalence_`, the prefixes the ICD-10-CM categories
    (three characters) whose codes record the condition.
-#}
{% macro ehp_chronic_conditions() %}
    {{- return([
        {'key': 'hypertension', 'name': 'hypertension', 'prefixes': ['I10']},
        {'key': 'type2_diabetes', 'name': 'type 2 diabetes', 'prefixes': ['E11']},
        {'key': 'hyperlipidemia', 'name': 'hyperlipidemia', 'prefixes': ['E78']},
        {'key': 'obesity', 'name': 'obesity', 'prefixes': ['E66']},
        {'key': 'asthma', 'name': 'asthma', 'prefixes': ['J45']},
        {'key': 'copd', 'name': 'COPD', 'prefixes': ['J44']},
        {'key': 'chronic_kidney_disease', 'name': 'chronic kidney disease',
            'prefixes': ['N18']},
        {'key': 'heart_failure', 'name': 'heart failure', 'prefixes': ['I50']},
        {'key': 'atrial_fibrillation', 'name': 'atrial fibrillation',
            'prefixes': ['I48']},
        {'key': 'depression', 'name': 'depression', 'prefixes': ['F32', 'F33']},
        {'key': 'osteoarthritis', 'name': 'osteoarthritis',
            'prefixes': ['M15', 'M16', 'M17', 'M18', 'M19']},
        {'key': 'hypothyroidism', 'name': 'hypothyroidism', 'prefixes': ['E03']},
    ]) -}}
{% endmacro %}


{#-
    ehp_chronic_condition_rows()

    A select statement with one row per chronic condition and ICD-10-CM
    category: condition_key, condition_name, condition_icd10_prefixes (the
    condition's categories, comma-separated) and icd10_category_code.
-#}
{% macro ehp_chronic_condition_rows() %}
    {%- for condition in ehp_chronic_conditions() %}
        {%- for prefix in condition['prefixes'] %}
    select
        cast('{{ condition["key"] }}' as {{ dbt.type_string() }}) as condition_key,
        cast('{{ condition["name"] }}' as {{ dbt.type_string() }}) as condition_name,
        cast('{{ condition["prefixes"] | join(", ") }}' as {{ dbt.type_string() }})
            as condition_icd10_prefixes,
        cast('{{ prefix }}' as {{ dbt.type_string() }}) as icd10_category_code
            {%- if not loop.last %}
    union all
            {%- endif %}
        {%- endfor %}
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{% endmacro %}


{#-
    ehp_class_indications()

    The drug classes given only with an indication: a dict of drug class to
    the ICD-10-CM code prefixes that indicate it (a code indicates the class
    when it starts with one of them). Antibiotics are also given for a
    surgery on the visit (prophylaxis); classes not listed treat symptoms any
    visit may have and need no indication.
-#}
{% macro ehp_class_indications() %}
    {%- set infections = [] -%}
    {%- for letter in ['A', 'B'] -%}
        {%- for i in range(100) -%}
            {%- do infections.append(letter ~ ('%02d' | format(i))) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for i in range(23) -%}
        {%- do infections.append('J%02d' | format(i)) -%}
    {%- endfor -%}
    {%- do infections.extend([
        'J36', 'J39.0', 'J85', 'J86', 'U07.1', 'H66', 'H70', 'H60.3', 'H10.0',
        'N39.0', 'N30.0', 'N10', 'N11', 'N34.1', 'N41.0', 'N41.1', 'N70', 'N71',
        'N73', 'N76.0', 'N76.1', 'L00', 'L01', 'L02', 'L03', 'L04', 'L05', 'L08',
        'K35', 'K57.0', 'K57.2', 'K57.32', 'K57.4', 'K57.8', 'K61', 'K65',
        'K81.0', 'K83.0', 'M00', 'M01', 'M86', 'G00', 'G01', 'G02', 'G03', 'G04',
        'G06', 'I30.1', 'I33', 'I40.0', 'R65.2', 'T81.4', 'T82.6', 'T82.7',
        'T83.5', 'T84.5', 'T84.6', 'T84.7', 'T85.7', 'O23', 'O41.1', 'O85',
        'O86', 'O98', 'P36', 'P37', 'P38', 'P39',
    ]) -%}
    {%- set diabetes = ['E08', 'E09', 'E10', 'E11', 'E13', 'O24'] -%}
    {%- set hypertensive = ['I10', 'I11', 'I12', 'I13', 'I15', 'I16'] -%}
    {%- set atherosclerotic = [
        'I20', 'I21', 'I22', 'I24', 'I25', 'I63', 'I65', 'I66', 'I70', 'Z95.1'
    ] -%}
    {%- set out = {} -%}
    {%- for drug_class in ehp_antibiotic_classes() -%}
        {%- do out.update({drug_class: infections}) -%}
    {%- endfor -%}
    {%- do out.update({
        'ANTIVIRAL': infections,
        'ANTIFUNGAL': infections,
        'BIGUANIDE': diabetes,
        'INSULIN': diabetes,
        'STATIN': ['E78'] + atherosclerotic + ['E11'],
        'ACE_INHIBITOR': hypertensive + ['I50', 'N18', 'E11'] + atherosclerotic,
        'ARB': hypertensive + ['I50', 'N18', 'E11'],
        'CALCIUM_CHANNEL_BLOCKER': hypertensive + ['I20', 'I25', 'I48'],
        'BETA_BLOCKER': hypertensive + ['I48', 'I50', 'I47', 'I49']
            + atherosclerotic + ['R00'],
        'LOOP_DIURETIC': [
            'I50', 'N18', 'I11', 'I13', 'R60', 'J81', 'N04', 'K70', 'K74', 'I10'
        ],
        'ANTICOAGULANT': [
            'I48', 'I26', 'I80', 'I82', 'Z95', 'Z79.01', 'I63', 'Z86.7'
        ],
        'THYROID_HORMONE': ['E03', 'E89.0', 'C73'],
        'SSRI': ['F32', 'F33', 'F41', 'F42', 'F43', 'F34', 'F50'],
        'INHALED_CORTICOSTEROID': ['J44', 'J45', 'J30'],
    }) -%}
    {{- return(out) -}}
{% endmacro %}


{#-
    ehp_antibiotic_classes()

    The antibiotic drug classes: given for an infection or, as prophylaxis,
    for a surgery on the visit.
-#}
{% macro ehp_antibiotic_classes() %}
    {{- return([
        'PENICILLIN', 'CEPHALOSPORIN', 'MACROLIDE', 'FLUOROQUINOLONE',
        'SULFONAMIDE', 'GLYCOPEPTIDE',
    ]) -}}
{% endmacro %}


{#-
    ehp_is_antibiotic_class(drug_class)

    A boolean SQL expression: true when the drug class `drug_class` (a SQL
    expression) is an antibiotic (ehp_antibiotic_classes).
-#}
{% macro ehp_is_antibiotic_class(drug_class) -%}
    {{ drug_class }} in ('{{ ehp_antibiotic_classes() | join("', '") }}')
{%- endmacro %}


{#-
    ehp_indicates(drug_class, icd10_code)

    A boolean SQL expression: true when the diagnosis `icd10_code` indicates
    the drug class `drug_class` (both SQL expressions) per
    ehp_class_indications, false for a class not listed there. Classes that
    share a list share one regular expression (the nine anti-infective
    classes one of about 280 prefixes).
-#}
{% macro ehp_indicates(drug_class, icd10_code) -%}
    {%- set indications = ehp_class_indications() -%}
    {%- set lists = [] -%}
    {%- for drug_class_code, prefixes in indications.items() -%}
        {%- if prefixes not in lists -%}{%- do lists.append(prefixes) -%}{%- endif -%}
    {%- endfor -%}
    case
    {%- for prefixes in lists %}
        {%- set classes = [] -%}
        {%- for drug_class_code, mine in indications.items() -%}
            {%- if mine == prefixes -%}{%- do classes.append(drug_class_code) -%}{%- endif -%}
        {%- endfor %}
        when {{ drug_class }} in ('{{ classes | join("', '") }}')
            then {{ regex_matches(icd10_code, '^(' ~ (prefixes | join('|') | replace('.', '\\.')) ~ ')') }}
    {%- endfor %}
        else false
    end
{%- endmacro %}


{#-
    ehp_is_restricted_class(drug_class)

    A boolean SQL expression: true when the drug class `drug_class` (a SQL
    expression) is given only with an indication (ehp_class_indications).
-#}
{% macro ehp_is_restricted_class(drug_class) -%}
    {{ drug_class }} in ('{{ ehp_class_indications().keys() | join("', '") }}')
{%- endmacro %}
