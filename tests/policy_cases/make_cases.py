#!/usr/bin/env python3
"""Writes the probe case files and expected.tsv of tests/policy_cases/.

Each probe is written from the seed text (../shared/seeds/): the policy, the plan variant the
runner synthesises (tests/unit/test_policy_cases.cpp), the determination the seed's wording
gives, and the sentence that decides it. The expectations were written before the probes were
run; never edit an expectation to match the tool -- fix the tool or say why the seed reads
otherwise.

Plan variants: imrt (every technical check passes), 3d (TECHNIQUE_IMRT fails), grid12
(DOSE_GRID_SPACING fails), no-gtv, no-ptv, no-dvh (DVH_COMPUTABLE fails), no-rx (PRESCRIPTION
and DOSE_CONSTRAINTS fail), compensator (compensator-based, COMPENSATOR_DESIGN fails), brachy,
electron, proton, gamma-knife (plan kinds; checks pass).
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

RO = 'Dr. R. Oncologist'
DOCS_LCD = [
    ('imrt-need-statement', '2026-02-20', [(RO, 'radiation oncologist', '2026-02-20')]),
    ('isodose-review', '2026-02-20', [(RO, 'radiation oncologist', '2026-02-20')]),
    ('dvh-review', '2026-02-20', [(RO, 'radiation oncologist', '2026-02-20')]),
    ('dosimetric-verification', '2026-02-27',
     [(RO, 'radiation oncologist', '2026-02-27'), ('P. Physicist', 'medical physicist', '2026-02-27')]),
]


def case_xml(p):
    comment = 'probe %s: %s' % (p['name'], p['why'])
    for where, text in p.get('cite', []):  # the seed sentences the expectation follows from
        comment += '\n     seed %s: "%s"' % (where, text)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<!-- %s -->' % comment, '<case version="1">']
    out.append('  <date-of-service>%s</date-of-service>' % p.get('dos', '2026-03-02'))
    if p.get('request'):
        out.append('  <request-date>%s</request-date>' % p['request'])
    out.append('  <line-of-business>%s</line-of-business>' % p.get('lob', 'medicare'))
    if p.get('mplan'):
        out.append('  <medicare-plan>%s</medicare-plan>' % p['mplan'])
    if p.get('state'):
        out.append('  <jurisdiction state="%s"/>' % p['state'])
    if p.get('payer'):
        out.append('  <payer>%s</payer>' % p['payer'])
    out.append('  <patient name="Probe^Pat" id="P%03d" age="%s" sex="F"/>' % (p['n'], p.get('age', 64)))
    for code in p.get('dx', []):
        out.append('  <diagnosis code="%s"/>' % code)
    for code in p.get('proc', []):
        out.append('  <procedure code="%s"/>' % code)
    if p.get('postop'):
        out.append('  <post-operative>true</post-operative>')
    if p.get('prior'):
        out.append('  <prior-radiation region="%s" dose-gy="50" date="2019-05-01"/>' % p['prior'])
    for kind, crit in p.get('assert', []):
        out.append('  <%s criterion="%s" by="%s" role="radiation oncologist">asserted for the probe</%s>'
                   % (kind, crit, RO, kind))
    for name, value in p.get('facts', []):
        out.append('  <fact name="%s" value="%s"/>' % (name, value))
    if p.get('reviewed', False):
        out.append('  <exclusions-reviewed by="%s" role="radiation oncologist" date="2026-02-20"/>' % RO)
    for kind, date, signers in p.get('docs', []):
        out.append('  <document kind="%s" date="%s">' % (kind, date))
        for name, role, sdate in signers:
            out.append('    <signed-by name="%s" role="%s"%s/>' % (name, role, ' date="%s"' % sdate if sdate else ''))
        out.append('  </document>')
    if p.get('rationale'):
        out.append('  <rationale>3D-CRT cannot meet the organ-at-risk constraints with this target.</rationale>')
    for raw in p.get('raw', []):
        out.append('  ' + raw)
    out.append('</case>')
    return '\n'.join(out) + '\n'


PROBES = []


def probe(name, policy, plan, expected, sentence, why, **case):
    case.update(name=name, why=why, n=len(PROBES) + 1)
    PROBES.append((name, policy, plan, expected, sentence, case))


# ---------------------------------------------------------------- MC.CP.MP.69 (seed 000)
S_MC_SITES = 'B. IMRT is requested for one of the following disease sites'
S_MC_HN = '3. Primary metastatic, benign or recurrent head and neck malignancies, including: orbits, sinuses, skull base, aero-digestive tract, and salivary glands'


def mc(name, expected, sentence, why, plan='imrt', **kw):
    base = dict(mplan='advantage', dx=['C61'], assert_=None, reviewed=True, rationale=True)
    base.update(kw)
    a = base.pop('assert_')
    base['assert'] = kw.get('assert', [('indication', 'MC.CP.MP.69:I.A.4')] if a is None else a)
    probe(name, 'MC.CP.MP.69', plan, expected, sentence, why, **base)


mc('mc-prostate', 'MEETS', '6. Pelvic malignancies including: prostatic, gynecological and anal carcinoma', 'prostate, proximity asserted')
mc('mc-z51-listed-first', 'MEETS', S_MC_SITES, 'Z51.0 first, C61 second: every diagnosis is scanned', dx=['Z51.0', 'C61'])
mc('mc-benign-parotid', 'MEETS', S_MC_HN, 'benign parotid tumour (D11.0): "benign" head and neck', dx=['D11.0'])
mc('mc-neck-nodes', 'MEETS', S_MC_HN, 'secondary neck nodes (C77.0): "metastatic" head and neck', dx=['C77.0'])
mc('mc-orbit', 'MEETS', S_MC_HN, 'orbit (C69.61)', dx=['C69.61'])
mc('mc-maxillary-sinus', 'MEETS', S_MC_HN, 'maxillary sinus (C31.0)', dx=['C31.0'])
mc('mc-thyroid', 'MEETS', S_MC_HN, 'thyroid (C73): a head and neck malignancy', dx=['C73'])
mc('mc-meningioma', 'MEETS', '1. Primary, metastatic or benign tumors of the central nervous system including the brain, the brain stem, and spinal cord', 'benign meningioma (D32.0)', dx=['D32.0'])
mc('mc-brain-metastasis', 'MEETS', '1. Primary, metastatic or benign tumors of the central nervous system including the brain, the brain stem, and spinal cord', 'brain metastasis (C79.31)', dx=['C79.31'])
mc('mc-esophagus', 'MEETS', '4. Thoracic malignancies', 'oesophagus (C15.5) is thoracic', dx=['C15.5'])
mc('mc-mediastinal-lymphoma', 'MEETS', '4. Thoracic malignancies', 'DLBCL of intrathoracic nodes (C83.32)', dx=['C83.32'])
mc('mc-lung', 'MEETS', '4. Thoracic malignancies', 'lung (C34.11)', dx=['C34.11'])
mc('mc-colon-abdominal', 'MEETS', '5. Abdominal malignancies when dose constraints to small bowel or other normal abdominal tissue are exceeded and present administration of a therapeutic dose', 'colon (C18.7) with the small-bowel qualifier asserted', dx=['C18.7'], **{'assert': [('indication', 'MC.CP.MP.69:I.A.4'), ('indication', 'MC.CP.MP.69:I.B.5')]})
mc('mc-stomach-no-qualifier', 'DOES NOT MEET', '5. Abdominal malignancies when dose constraints to small bowel or other normal abdominal tissue are exceeded and present administration of a therapeutic dose', 'stomach (C16.9) without the qualifier: no site met', dx=['C16.9'])
mc('mc-adrenal', 'MEETS', '7. Other pelvic or retroperitoneal malignancies', 'adrenal (C74.00) is retroperitoneal', dx=['C74.00'])
mc('mc-kidney', 'MEETS', '7. Other pelvic or retroperitoneal malignancies', 'kidney (C64.1) is retroperitoneal', dx=['C64.1'])
mc('mc-cervix', 'MEETS', '6. Pelvic malignancies including: prostatic, gynecological and anal carcinoma', 'cervix (C53.9)', dx=['C53.9'])
mc('mc-anal', 'MEETS', '6. Pelvic malignancies including: prostatic, gynecological and anal carcinoma', 'anal canal (C21.1)', dx=['C21.1'])
mc('mc-rectum', 'MEETS', '6. Pelvic malignancies including: prostatic, gynecological and anal carcinoma', 'rectum (C20): "including" is open, rectum is pelvic', dx=['C20'])
mc('mc-bladder', 'MEETS', '7. Other pelvic or retroperitoneal malignancies', 'bladder (C67.9)', dx=['C67.9'])
mc('mc-breast', 'DOES NOT MEET', S_MC_SITES, 'breast (C50.912) is none of the seven sites', dx=['C50.912'])
mc('mc-extremity-sarcoma', 'DOES NOT MEET', S_MC_SITES, 'thigh soft-tissue sarcoma (C49.21) is none of the seven sites', dx=['C49.21'])
mc('mc-spine-metastasis', 'MEETS', '2. Primary, or metastatic tumors of the spine where the spinal cord tolerance may be exceeded with conventional treatment or where the spinal cord has previously been irradiated', 'vertebral metastasis with the cord-tolerance qualifier asserted', dx=['C79.51'], **{'assert': [('indication', 'MC.CP.MP.69:I.A.4'), ('indication', 'MC.CP.MP.69:I.B.2')]})
mc('mc-no-condition', 'DOES NOT MEET', 'A. One of the following', 'no condition of I.A asserted', **{'assert': []})
mc('mc-no-rationale', 'INSUFFICIENT DOCUMENTATION', 'C. Documented rationale of the advantage of IMRT versus the use of other radiation therapy methods has been provided.', 'no rationale', rationale=False)
mc('mc-cord-compression', 'DOES NOT MEET', 'B. Clinical urgency, such as spinal cord compression, superior vena cava syndrome or airway obstruction', 'exclusion II.B asserted', **{'assert': [('indication', 'MC.CP.MP.69:I.A.4'), ('exclusion', 'MC.CP.MP.69:II.B')]})
mc('mc-exclusions-unaddressed', 'INSUFFICIENT DOCUMENTATION', 'II. ... IMRT is not medically necessary for any of the following', 'exclusions neither denied nor reviewed', reviewed=False)
mc('mc-original-medicare', 'NOT APPLICABLE', 'It is the policy of Medicare health plans affiliated with Centene Corporation', 'original (fee-for-service) Medicare is not a Centene Medicare health plan', mplan='original')
mc('mc-commercial', 'NOT APPLICABLE', 'Note: For criteria applicable to non-Medicare plans, please see CP.MP.69', 'commercial member', lob='commercial', mplan=None)
mc('mc-grid-12mm', 'DOES NOT MEET', 'the optimization must sample the dose with a grid spacing of one centimeter or less', '12 mm dose grid', plan='grid12')
mc('mc-no-gtv', 'DOES NOT MEET', 'The gross tumor volume (GTV), the PTV, and surrounding normal tissues must be identified by a contouring procedure', 'no GTV, not post-operative', plan='no-gtv')
mc('mc-postop-no-gtv', 'INSUFFICIENT DOCUMENTATION', 'The gross tumor volume (GTV), the PTV, and surrounding normal tissues must be identified by a contouring procedure', 'post-operative tumour bed has no GTV: manual review, not a denial', plan='no-gtv', postop=True)
mc('mc-3d-plan', 'DOES NOT MEET', 'IMRT delivers a more precise radiation dose ... by using non-uniform radiation beam intensities', 'field-in-field plan submitted as IMRT', plan='3d')
mc('mc-brachy', 'NOT APPLICABLE', 'computer-based method of planning for, and delivery of generally narrow, patient specific, spatially and often temporally modulated beams of radiation', 'brachytherapy plan', plan='brachy')
mc('mc-proton', 'NOT APPLICABLE', 'computer-based method of planning for, and delivery of generally narrow, patient specific, spatially and often temporally modulated beams of radiation', 'proton plan', plan='proton')
mc('mc-electron', 'NOT APPLICABLE', 'computer-based method of planning for, and delivery of generally narrow, patient specific, spatially and often temporally modulated beams of radiation', 'electron-only plan', plan='electron')
mc('mc-gamma-knife', 'NOT APPLICABLE', 'computer-based method of planning for, and delivery of generally narrow, patient specific, spatially and often temporally modulated beams of radiation', 'Gamma Knife plan', plan='gamma-knife')
mc('mc-no-effective-date', 'MEETS', 'This clinical policy is effective as of the date determined by the Health Plan.', 'date of service 2021-06-01: no effective date stated, none invented', dos='2021-06-01')
mc('mc-in-situ-larynx', 'MEETS', S_MC_HN, 'carcinoma in situ of the larynx (D02.0): between benign and metastatic, a head and neck tumour', dx=['D02.0'])
mc('mc-brain-unspecified-behaviour', 'MEETS', '1. Primary, metastatic or benign tumors of the central nervous system including the brain, the brain stem, and spinal cord', 'brain neoplasm of unspecified behaviour (D49.6)', dx=['D49.6'])
mc('mc-abutting-prior-field', 'MEETS', '1. An immediately adjacent area has been previously irradiated and abutting portals must be established with high precision', 'prior radiation and condition I.A.1', prior='pelvis', **{'assert': [('indication', 'MC.CP.MP.69:I.A.1')]})

# ---------------------------------------------------------------- LCD-IMRT-FL (seed 003)
S_LCD_COND = 'IMRT will be considered reasonable and necessary when at least one or more of the following five conditions is documented'


def lcd(name, expected, sentence, why, plan='imrt', **kw):
    base = dict(state='FL', dx=['C61'], docs=DOCS_LCD, reviewed=False)
    base.update(kw)
    if 'assert' not in kw:
        base['assert'] = [('indication', 'LCD-IMRT-FL:Conditions.1')]
    probe(name, 'LCD-IMRT-FL', plan, expected, sentence, why, **base)


lcd('lcd-prostate', 'MEETS', S_LCD_COND, 'prostate, condition 1, every document')
lcd('lcd-site-outside-examples', 'MEETS', 'The most common sites that currently support the use of IMRT include:', 'thigh sarcoma (C49.21) is not an example site: the conditions decide', dx=['C49.21'])
lcd('lcd-no-condition', 'DOES NOT MEET', S_LCD_COND, 'no condition documented', **{'assert': []})
lcd('lcd-georgia', 'NOT APPLICABLE', 'IMRT - CMS - FL', 'a Georgia patient: the Florida LCD is not the local coverage determination there', state='GA')
lcd('lcd-commercial', 'NOT APPLICABLE', 'FOR CMS (MEDICARE) MEMBERS ONLY', 'commercial member', lob='commercial', state='FL')
lcd('lcd-original-medicare', 'MEETS', 'FOR CMS (MEDICARE) MEMBERS ONLY', 'original Medicare in Florida', mplan='original')
lcd('lcd-medicare-advantage', 'MEETS', 'FOR CMS (MEDICARE) MEMBERS ONLY', 'Medicare Advantage in Florida', mplan='advantage')
lcd('lcd-physicist-missing', 'INSUFFICIENT DOCUMENTATION', 'Documentation of dosimetric verification of treatment setup and delivery, signed by both the radiation oncologist and the medical physicist.', 'QA signed by the radiation oncologist only', docs=DOCS_LCD[:3] + [('dosimetric-verification', '2026-02-27', [(RO, 'radiation oncologist', '2026-02-27')])])
lcd('lcd-isodose-undated', 'INSUFFICIENT DOCUMENTATION', 'Review (signed and dated) by the radiation oncologist of the CT or MRI based images of the target and all critical structures', 'isodose review signature without its date', docs=[DOCS_LCD[0], ('isodose-review', '2026-02-20', [(RO, 'radiation oncologist', None)])] + DOCS_LCD[2:])
lcd('lcd-rx-document', 'MEETS', 'The treatment plan/prescription must define the goals and requirements of the treatment, including the specific dose constraints for the target(s) and nearby critical structures.', 'no dose references in the DICOM, prescription supplied as a document', plan='no-rx', docs=DOCS_LCD + [('prescription', '2026-02-18', [(RO, 'radiation oncologist', '2026-02-18')])])
lcd('lcd-rx-missing', 'INSUFFICIENT DOCUMENTATION', 'The treatment plan/prescription must define the goals and requirements of the treatment, including the specific dose constraints for the target(s) and nearby critical structures.', 'no prescription anywhere', plan='no-rx')
lcd('lcd-dvh-not-computable', 'INSUFFICIENT DOCUMENTATION', 'Radiation oncologist review of dose-volume histograms for all targets and critical structures.', 'DVHs cannot be computed from the set', plan='no-dvh')
lcd('lcd-need-statement-np', 'INSUFFICIENT DOCUMENTATION', 'A statement by the treating physician documenting the special need for performing IMRT', 'need statement signed by a nurse practitioner', docs=[('imrt-need-statement', '2026-02-20', [('N. Practitioner', 'nurse practitioner', '2026-02-20')])] + DOCS_LCD[1:])
lcd('lcd-compensator-undocumented', 'INSUFFICIENT DOCUMENTATION', 'For compensator-based IMRT, the unique compensator design should be documented for east step or portal.', 'compensator plan without design data', plan='compensator')
lcd('lcd-compensator-document', 'MEETS', 'For compensator-based IMRT, the unique compensator design should be documented for east step or portal.', 'compensator design supplied as a document', plan='compensator', docs=DOCS_LCD + [('compensator-design', '2026-02-20', [])])
lcd('lcd-3d-plan', 'DOES NOT MEET', 'IMRT delivers a more precise radiation dose to the tumor while sparing the surrounding normal tissues by using non-uniform radiation beam intensities', 'field-in-field plan', plan='3d')
lcd('lcd-brachy', 'NOT APPLICABLE', 'A claim for a separate brachytherapy isodose plan during a course of IMRT is appropriate only when the claim applies to a separate, accompanying brachytherapy modality.', 'brachytherapy plan', plan='brachy')
lcd('lcd-reirradiation', 'MEETS', '3. An immediately adjacent area has been previously irradiated and abutting portals must be established with high precision.', 'prior radiation, condition 3', prior='left chest wall', **{'assert': [('indication', 'LCD-IMRT-FL:Conditions.3')]})
lcd('lcd-grid-12mm', 'MEETS', 'Documentation for IMRT planning must include the following:', 'the LCD states no dose-grid requirement', plan='grid12')
lcd('lcd-thoracic-selected', 'MEETS', 'Selected cases of thoracic and abdominal malignancies', 'lung (C34.11), condition 1', dx=['C34.11'])

# ---------------------------------------------------------------- KPWA-IMRT (seed 002)
S_KP_MED = 'Therefore, continue to use LCD L34080 for determining medical necessity.'


def kp(name, expected, sentence, why, plan='imrt', **kw):
    base = dict(payer='kaiser-wa', mplan='advantage', dx=['C10.9'], docs=DOCS_LCD)
    base.update(kw)
    if 'assert' not in kw:
        base['assert'] = [('indication', 'KPWA-IMRT:Medicare.L34080.Conditions.1')]
    probe(name, 'KPWA-IMRT', plan, expected, sentence, why, **base)


kp('kpwa-medicare', 'MEETS', S_KP_MED, 'oropharynx, condition 1, LCD documentation')
kp('kpwa-medicare-no-documents', 'INSUFFICIENT DOCUMENTATION', S_KP_MED, 'L34080 documentation not supplied', docs=[])
kp('kpwa-medicare-3d', 'DOES NOT MEET', S_KP_MED, 'field-in-field plan under the LCD the plan follows', plan='3d')
kp('kpwa-medicare-site-outside', 'MEETS', S_KP_MED, 'skin melanoma of the leg: the LCD site list gives examples', dx=['C43.71'])
kp('kpwa-medicare-no-condition', 'DOES NOT MEET', S_KP_MED, 'no LCD condition', **{'assert': []})
kp('kpwa-original-medicare', 'NOT APPLICABLE', 'The Clinical Review Criteria only apply to Kaiser Foundation Health Plan of Washington', 'original Medicare is not a Kaiser Medicare member', mplan='original')
kp('kpwa-commercial', 'INSUFFICIENT DOCUMENTATION', '*MCG manuals are proprietary and cannot be published and/or distributed.', 'non-Medicare: manual review against MCG', lob='commercial', mplan=None, docs=[])
kp('kpwa-commercial-notes', 'INSUFFICIENT DOCUMENTATION', 'Kaiser Permanente has elected to use the Intensity Modulated Radiation Therapy (IMRT) (KP-0455 06012023) MCG* for medical necessity determinations.', 'non-Medicare with six months of notes: still manual review', lob='commercial', mplan=None, request='2026-02-25', docs=[('clinical-note', '2026-01-10', [('Dr. M. Oncologist', 'medical oncologist', '2026-01-10')]), ('clinical-note', '2026-02-01', [(RO, 'radiation oncologist', '2026-02-01')])])
S_KP_FROM = 'MPC approved to reinstate IMRT criteria for medical necessity review. New criteria effective date 11/2015.'
S_KP_APBI = 'MPC approved to adopt the revised changes the IMRT criteria to include indications for Breast Cancer (APBI). Requires 60-day notice effective 06/01/2023.'
kp('kpwa-before-effective', 'NOT APPLICABLE', S_KP_FROM, 'date of service 2015-10-31, before the criteria took effect (11/2015)', dos='2015-10-31', cite=[('002 revision history 07/07/2015', S_KP_FROM)])
kp('kpwa-on-effective', 'MEETS', S_KP_FROM, 'date of service 2015-11-01, the first day of 11/2015', dos='2015-11-01', cite=[('002 revision history 07/07/2015', S_KP_FROM)])
kp('kpwa-washington', 'MEETS', 'Therefore, continue to use LCD L34080 for determining medical necessity.', 'Medicare member treated in Washington (Noridian jurisdiction)', state='WA')
kp('kpwa-florida', 'NOT APPLICABLE', 'Therefore, continue to use LCD L34080 for determining medical necessity.', 'service in Florida: outside the jurisdiction of Noridian\'s L34080', state='FL')
kp('kpwa-brachy', 'NOT APPLICABLE', 'Intensity Modulated Radiation Therapy (IMRT)', 'brachytherapy plan', plan='brachy')
kp('kpwa-other-payer', 'NOT APPLICABLE', 'The Clinical Review Criteria only apply to Kaiser Foundation Health Plan of Washington and Kaiser Foundation Health Plan of Washington Options, Inc.', 'a Centene member', payer='centene')

# ---------------------------------------------------------------- CP.MP.69 (seed 001)
S_CP_NOTE = 'Note: The above indications are anatomical sites reported by ASTRO where IMRT is commonly performed, but may not be an all-inclusive listing.'


def cp(name, expected, sentence, why, plan='imrt', **kw):
    base = dict(lob='commercial', dx=['C61'], age=60)
    base.update(kw)
    probe(name, 'CP.MP.69', plan, expected, sentence, why, **base)


cp('cp-prostate', 'MEETS', 'a. Prostate cancer;', 'prostate (C61)')
cp('cp-child-solid-tumour', 'MEETS', 'A. Age < 18 years with a solid tumor;', 'age 8, abdominal soft-tissue sarcoma (C49.4): solid tumour from the code', age=8, dx=['C49.4'])
cp('cp-age-17', 'MEETS', 'A. Age < 18 years with a solid tumor;', 'age 17, rhabdomyosarcoma of the trunk (C49.6)', age=17, dx=['C49.6'])
cp('cp-age-18', 'INSUFFICIENT DOCUMENTATION', S_CP_NOTE, 'age 18, trunk sarcoma (C49.6): not < 18, site not listed', age=18, dx=['C49.6'])
cp('cp-child-leukaemia', 'INSUFFICIENT DOCUMENTATION', S_CP_NOTE, 'age 10, leukaemia (C91.00) is not a solid tumour; no listed site', age=10, dx=['C91.00'])
cp('cp-osteosarcoma', 'MEETS', 'C. Primary malignant or benign bone tumors;', 'adult osteosarcoma of the femur (C40.22)', dx=['C40.22'])
cp('cp-benign-bone', 'MEETS', 'C. Primary malignant or benign bone tumors;', 'benign bone tumour of the femur (D16.22)', dx=['D16.22'])
cp('cp-reirradiation', 'MEETS', 'D. Re-irradiation (where cumulative critical structure dose would exceed tolerance dose);', 'prior radiation, cumulative dose asserted', dx=['C44.519'], prior='chest wall', **{'assert': [('indication', 'CP.MP.69:I.D')]})
cp('cp-inoperable', 'MEETS', 'B. Medically inoperable patient with diagnosis of cancer where dose escalation is required;', 'inoperable lung cancer, dose escalation asserted', dx=['C34.11'], facts=[('medically_inoperable', 'true')], **{'assert': [('indication', 'CP.MP.69:I.B')]})
cp('cp-neck-nodes', 'MEETS', 'a. Definitive, adjuvant, or palliative treatment of primary/secondary head and neck cancers or draining lymphatics of the neck', 'secondary neck nodes (C77.0)', dx=['C77.0'])
cp('cp-thyroid', 'MEETS', 'a. Definitive, adjuvant, or palliative treatment of primary/secondary head and neck cancers or draining lymphatics of the neck including (but not limited to) cancers of the nasopharynx, nasal cavity, paranasal sinuses, oropharynx, oral cavity, hypopharynx, larynx, thyroid, or salivary glands;', 'thyroid (C73)', dx=['C73'])
cp('cp-small-bowel', 'MEETS', 'c. Abdominal malignancies, including primary pancreatic, gastric and adrenal incancers;', 'small intestine (C17.1): "including" is open', dx=['C17.1'])
cp('cp-adrenal', 'MEETS', 'c. Abdominal malignancies, including primary pancreatic, gastric and adrenal incancers;', 'adrenal (C74.90)', dx=['C74.90'])
cp('cp-esophagus', 'MEETS', 'b. Primary cancers of the esophagus and gastroesophageal (GE) junction;', 'oesophagus (C15.4)', dx=['C15.4'])
cp('cp-liver-metastasis', 'MEETS', 'd. Primary and secondary liver cancers;', 'liver metastasis (C78.7)', dx=['C78.7'])
cp('cp-cholangiocarcinoma', 'MEETS', 'a. Hepatocellular cancer, bile duct, gallbladder and cholangiocarcinoma cancers;', 'intrahepatic cholangiocarcinoma (C22.1)', dx=['C22.1'])
cp('cp-mesothelioma', 'MEETS', 'd. Malignant pleural mesothelioma;', 'pleural mesothelioma (C45.0)', dx=['C45.0'])
cp('cp-mediastinal-hodgkin', 'MEETS', 'a. Primary or secondary tumors of the mediastinum, including thymic tumors, mediastinal tumors, mediastinal lymphomas and thoracic sarcomas;', 'Hodgkin lymphoma of intrathoracic nodes (C81.12)', dx=['C81.12'])
cp('cp-thymoma', 'MEETS', 'a. Primary or secondary tumors of the mediastinum, including thymic tumors, mediastinal tumors, mediastinal lymphomas and thoracic sarcomas;', 'thymoma (C37)', dx=['C37'])
cp('cp-desmoid', 'MEETS', 'b. Desmoid tumors;', 'desmoid (D48.1)', dx=['D48.1'])
cp('cp-extremity-sarcoma', 'MEETS', 'c. Extremity sarcomas;', 'thigh sarcoma (C49.21)', dx=['C49.21'])
cp('cp-retroperitoneal-sarcoma', 'MEETS', 'a. Retroperitoneal sarcomas;', 'retroperitoneal sarcoma (C48.0)', dx=['C48.0'])
cp('cp-cervix', 'MEETS', 'a. Cervical cancer;', 'cervix (C53.0)', dx=['C53.0'])
cp('cp-endometrium', 'MEETS', 'c. Endometrial cancer;', 'endometrium (C54.1)', dx=['C54.1'])
cp('cp-vulva', 'MEETS', 'b. Vulvar and vaginal cancers;', 'vulva (C51.9)', dx=['C51.9'])
cp('cp-renal', 'MEETS', 'b. Renal cancer;', 'kidney (C64.2)', dx=['C64.2'])
cp('cp-penile', 'MEETS', 'd. Penile cancer;', 'penis (C60.9)', dx=['C60.9'])
cp('cp-ureter', 'MEETS', 'e. Ureteral cancer;', 'ureter (C66.1)', dx=['C66.1'])
cp('cp-bladder', 'MEETS', 'c. Bladder cancer;', 'bladder (C67.4)', dx=['C67.4'])
cp('cp-anal', 'MEETS', 'e. Anal and colorectal cancers;', 'anus (C21.0)', dx=['C21.0'])
cp('cp-ocular-melanoma', 'MEETS', 'a. Ocular tumors, including intraocular melanomas;', 'choroidal melanoma (C69.31)', dx=['C69.31'])
cp('cp-breast-no-qualifier', 'DOES NOT MEET', '3. Breast, any of the following:', 'breast cancer, none of a-h documented', dx=['C50.411'])
cp('cp-breast-apbi', 'MEETS', 'd. Accelerated partial breast irradiation (APBI), regardless of laterality;', 'APBI asserted', dx=['C50.411'], **{'assert': [('indication', 'CP.MP.69:I.E.3.d')]})
cp('cp-lung-no-qualifier', 'DOES NOT MEET', '4. Thoracic, any of the following:', 'lung cancer, neither b nor c documented', dx=['C34.11'])
cp('cp-brain-mets-hippocampal', 'MEETS', 'e. Brain metastases requiring hippocampal-sparing whole brain radiotherapy;', 'brain metastases, HA-WBRT asserted', dx=['C79.31'], **{'assert': [('indication', 'CP.MP.69:I.E.1.e')]})
cp('cp-medicare', 'NOT APPLICABLE', 'It is the policy of non-Medicare health plans affiliated with Centene Corporation', 'Medicare member', lob='medicare')
cp('cp-3d-plan', 'DOES NOT MEET', 'IMRT is a technology that delivers highly conformal external beam radiation to specified targets with radiation beams whose intensity varies throughout the treatment fields.', 'field-in-field plan', plan='3d')
cp('cp-no-ptv', 'MEETS', 'The treatment planning for IMRT is a multi-step process, one of which is contouring for defining the target and avoiding normal structures', 'no structure named PTV: the description requires none', plan='no-ptv')
cp('cp-brachy', 'NOT APPLICABLE', 'IMRT is a technology that delivers highly conformal external beam radiation', 'brachytherapy plan', plan='brachy')
cp('cp-electron', 'NOT APPLICABLE', 'IMRT is a technology that delivers highly conformal external beam radiation to specified targets with radiation beams whose intensity varies throughout the treatment fields.', 'electron-only plan', plan='electron')
cp('cp-no-effective-date', 'MEETS', 'This clinical policy is effective as of the date determined by the Health Plan.', 'date of service 2019-03-01: no effective date stated, none invented', dos='2019-03-01')

# ---------------------------------------------------------------- 04-77260-19 (seed 004)
S_FB = 'Image-guided radiation therapy (IGRT) (any modality) meets the definition of medical necessity for the following indications:'


def fb(name, expected, sentence, why, plan='imrt', **kw):
    base = dict(lob='commercial', payer='florida-blue', proc=['77387'], dx=['C61'])
    base.update(kw)
    if 'assert' not in kw:
        base['assert'] = [('indication', '04-77260-19:Position.6')]
    probe(name, '04-77260-19', plan, expected, sentence, why, **base)


fb('fb-proximity', 'MEETS', 'Target volume is in close proximity to critical structures that must be protected', 'IGRT requested, proximity asserted')
fb('fb-no-igrt-code', 'NOT APPLICABLE', 'CPT Coding: 77387 Guidance for localization of target volume for delivery of radiation treatment', 'only 77301 requested', proc=['77301'])
fb('fb-no-codes-stated', 'MEETS', 'Target volume is in close proximity to critical structures that must be protected', 'the request names no procedure code: evaluated, with a note', proc=[])
fb('fb-fep', 'NOT APPLICABLE', 'Federal Employee Program (FEP): Follow FEP guidelines.', 'FEP member', lob='fep')
fb('fb-sao', 'NOT APPLICABLE', 'State Account Organization (SAO): Follow SAO guidelines.', 'SAO member', lob='sao')
fb('fb-medicare-advantage', 'MEETS', 'Medicare Advantage products: No National Coverage Determination (NCD) and/or Local Coverage Determination (LCD) were found at the time of the last guideline review date.', 'Medicare Advantage member', lob='medicare', mplan='advantage')
fb('fb-original-medicare', 'NOT APPLICABLE', 'Medicare Advantage products: No National Coverage Determination (NCD) and/or Local Coverage Determination (LCD) were found', 'original Medicare is not a Florida Blue product', lob='medicare', mplan='original')
fb('fb-no-indication-3d', 'MEETS', 'During radiation therapy (e.g., intensity-modulated radiation therapy (IMRT), proton beam therapy, stereotactic body radiation therapy (SBRT))', '3D plan, no indication asserted: IGRT during a 3-D conformal course (IMRT is an example, not a limit)', plan='3d', cite=[('004 Position Statement', 'During radiation therapy (e.g., intensity-modulated radiation therapy (IMRT), proton beam therapy, stereotactic body radiation therapy (SBRT))'), ('004 Description', 'IGRT is applicable to highly conformal treatment modalities, such as 3-D conformal radiation therapy (CRT), intensity-modulated radiation therapy (IMRT), or heavy particle therapy (e.g., proton).')], **{'assert': []})
fb('fb-during-imrt', 'MEETS', 'During radiation therapy (e.g., intensity-modulated radiation therapy (IMRT), proton beam therapy, stereotactic body radiation therapy (SBRT))', 'IGRT during an IMRT plan, nothing asserted', **{'assert': []})
fb('fb-hp-by-np', 'MEETS', 'The following information may be required documentation to support medical necessity', 'H&P signed by a nurse practitioner: the documents are requested, not mandatory', docs=[('history-and-physical', '2026-02-01', [('N. Practitioner', 'nurse practitioner', '2026-02-01')])])
fb('fb-old-hp', 'MEETS', 'The following information may be required documentation to support medical necessity', 'H&P nine months old', docs=[('history-and-physical', '2025-06-01', [(RO, 'radiation oncologist', '2025-06-01')])])
fb('fb-brachy', 'NOT APPLICABLE', 'IGRT is the use of imaging at the time of treatment delivery to ensure that the location of the target relative to the treatment beams', 'brachytherapy plan', plan='brachy')
fb('fb-proton-escalation', 'MEETS', 'Dose escalation is planned beyond the usual doses for similar tumors', 'proton plan, dose escalation asserted', plan='proton', **{'assert': [('indication', '04-77260-19:Position.2')]})
fb('fb-before-original-effective', 'NOT APPLICABLE', 'Original Effective Date: 02/15/10', 'date of service 2010-02-14', dos='2010-02-14')
fb('fb-on-original-effective', 'MEETS', 'Original Effective Date: 02/15/10', 'date of service 2010-02-15', dos='2010-02-15')
fb('fb-fiducials', 'MEETS', 'Implanted fiducial markers', 'fiducials asserted on a 3D plan', plan='3d', **{'assert': [('indication', '04-77260-19:Position.4')]})

# ---------------------------------------------------------------- strict case files (any policy)
probe('err-exclusion-as-indication', 'MC.CP.MP.69', 'imrt', 'ERROR', 'II. ... IMRT is not medically necessary for any of the following', 'II.B asserted through <indication>', mplan='advantage', dx=['C61'], rationale=True, reviewed=True, **{'assert': [('indication', 'MC.CP.MP.69:I.A.4'), ('indication', 'MC.CP.MP.69:II.B')]})
probe('err-unknown-criterion', 'MC.CP.MP.69', 'imrt', 'ERROR', 'A. One of the following', 'I.A.9 does not exist', mplan='advantage', dx=['C61'], rationale=True, reviewed=True, **{'assert': [('indication', 'MC.CP.MP.69:I.A.9')]})
probe('err-impossible-date', 'MC.CP.MP.69', 'imrt', 'ERROR', '(case-file format)', '2026-02-30 is not a day', dos='2026-02-30', mplan='advantage', dx=['C61'], **{'assert': []})
probe('err-unknown-document-kind', 'LCD-IMRT-FL', 'imrt', 'ERROR', '(case-file format)', 'document kind "physics-qa" is not known', state='FL', dx=['C61'], docs=[('physics-qa', '2026-02-27', [])], **{'assert': [('indication', 'LCD-IMRT-FL:Conditions.1')]})


# ---------------------------------------------------------------- policy audit (C7A/C7B, nodes, CNS, dates)
# Appended here so the earlier probes keep their numbers. Each case file's comment quotes the
# seed sentence its expectation follows from.
S_MC_CNS = '1. Primary, metastatic or benign tumors of the central nervous system including the brain, the brain stem, and spinal cord'
S_MC_ABD = '5. Abdominal malignancies when dose constraints to small bowel or other normal abdominal tissue are exceeded and present administration of a therapeutic dose'
S_MC_PELVIC = '6. Pelvic malignancies including: prostatic, gynecological and anal carcinoma'
S_MC_RETRO = '7. Other pelvic or retroperitoneal malignancies'
S_CP_1C = 'c. Primary CNS tumors, primary spine, or metastatic tumors to the spine or spinal cord where organ at risk tolerance may be exceeded with 3-D conformal treatments;'
S_CP_THORACIC = '4. Thoracic, any of the following:'

# Carcinoids sit with their organ (disease-sites.xml), not wholesale in "abdominal".
mc('mc-lung-carcinoid', 'MEETS', '4. Thoracic malignancies', 'bronchopulmonary carcinoid (C7A.090) is a thoracic malignancy, not an abdominal one needing the I.B.5 qualifier', dx=['C7A.090'], cite=[('000 I.B.4', '4. Thoracic malignancies;')])
mc('mc-thymic-carcinoid', 'MEETS', '4. Thoracic malignancies', 'thymic carcinoid (C7A.091) is thoracic, as the thymus (C37)', dx=['C7A.091'], cite=[('000 I.B.4', '4. Thoracic malignancies;')])
mc('mc-kidney-carcinoid', 'MEETS', S_MC_RETRO, 'renal carcinoid (C7A.093) sits with the kidney (C64), a retroperitoneal malignancy', dx=['C7A.093'], cite=[('000 I.B.7', S_MC_RETRO + ';')])
mc('mc-rectal-carcinoid', 'MEETS', S_MC_PELVIC, 'rectal carcinoid (C7A.026) is pelvic, as the rectum (C20)', dx=['C7A.026'], cite=[('000 I.B.6', S_MC_PELVIC + ';')])
mc('mc-ileal-carcinoid-no-qualifier', 'DOES NOT MEET', S_MC_ABD, 'ileal carcinoid (C7A.012) stays abdominal: without the I.B.5 qualifier no site is met', dx=['C7A.012'], cite=[('000 I.B.5', S_MC_ABD + ';')])
cp('cp-lung-carcinoid', 'DOES NOT MEET', S_CP_THORACIC, 'bronchopulmonary carcinoid (C7A.090) is a lung cancer, not an abdominal malignancy: the lung items need their qualifiers (none documented)', dx=['C7A.090'], cite=[('001 I.E.4.b', 'b. Early-stage lung cancer for which SBRT is not feasible secondary to anatomic considerations;'), ('001 I.E.4.c', 'c. Locally advanced lung cancer in which IMRT significantly reduces dose to normal tissues (ex: bilateral mediastinal disease, paraspinal tumors, N3 disease, reducing esophageal dose);')])
cp('cp-bone-carcinoid-metastasis', 'DOES NOT MEET', S_CP_1C, 'secondary carcinoid of bone (C7B.03) is a bone metastasis, not abdominal: I.E.1.c needs its organ-at-risk qualifier (not documented)', dx=['C7B.03'], cite=[('001 I.E.1.c', S_CP_1C)])
cp('cp-spine-carcinoid-metastasis', 'MEETS', S_CP_1C, 'secondary carcinoid of bone (C7B.03) of the spine with the I.E.1.c qualifier asserted', dx=['C7B.03'], cite=[('001 I.E.1.c', S_CP_1C)], **{'assert': [('indication', 'CP.MP.69:I.E.1.c')]})

# Lymphoma of the head, face and neck nodes (C81-C85, site character 1).
mc('mc-neck-lymphoma', 'MEETS', S_MC_HN, 'Hodgkin lymphoma of the neck nodes (C81.11): a head and neck malignancy, as C77.0', dx=['C81.11'], cite=[('000 I.B.3', S_MC_HN + ';')])
mc('mc-axillary-lymphoma', 'DOES NOT MEET', S_MC_SITES, 'DLBCL of the axillary nodes (C83.34) is none of the seven sites', dx=['C83.34'], cite=[('000 I.B', S_MC_SITES + ':')])

# CP.MP.69 I.E.1.c names metastases to the spine or spinal cord only.
cp('cp-brain-metastasis-1c', 'DOES NOT MEET', S_CP_1C, 'brain metastasis (C79.31) asserted under I.E.1.c: that item admits metastases to the spine or spinal cord only; brain metastases are I.E.1.e (not asserted)', dx=['C79.31'], cite=[('001 I.E.1.c', S_CP_1C), ('001 I.E.1.e', 'e. Brain metastases requiring hippocampal-sparing whole brain radiotherapy;')], **{'assert': [('indication', 'CP.MP.69:I.E.1.c')]})
cp('cp-cord-metastasis-1c', 'MEETS', S_CP_1C, 'spinal cord metastasis (C79.49) with the I.E.1.c qualifier asserted', dx=['C79.49'], cite=[('001 I.E.1.c', S_CP_1C)], **{'assert': [('indication', 'CP.MP.69:I.E.1.c')]})

# D49.7 spans endocrine glands and the nervous system: a CNS tumour only when stated.
mc('mc-d497-site-not-stated', 'INSUFFICIENT DOCUMENTATION', S_MC_CNS, 'neoplasm of unspecified behaviour of endocrine glands and other parts of the nervous system (D49.7), CNS neither asserted nor denied: missing documentation', dx=['D49.7'], cite=[('000 I.B.1', S_MC_CNS + ';')])
mc('mc-d497-cns-asserted', 'MEETS', S_MC_CNS, 'D49.7 with I.B.1 asserted (a spinal cord tumour of unspecified behaviour)', dx=['D49.7'], cite=[('000 I.B.1', S_MC_CNS + ';')], **{'assert': [('indication', 'MC.CP.MP.69:I.A.4'), ('indication', 'MC.CP.MP.69:I.B.1')]})
mc('mc-d497-cns-denied', 'DOES NOT MEET', 'B. IMRT is requested for one of the following disease sites', 'D49.7 with I.B.1 denied by the clinician (an endocrine tumour): no site of the closed list is met', dx=['D49.7'], cite=[('000 I.B', 'B. IMRT is requested for one of the following disease sites:'), ('000 I.B.1', S_MC_CNS + ';')], raw=['<indication criterion="MC.CP.MP.69:I.B.1" present="false" by="%s" role="radiation oncologist">an adrenal tumour, not of the nervous system</indication>' % RO])

# Secondary retroperitoneum and peritoneum (C78.6) is abdominal: I.B.5 with its qualifier.
mc('mc-retroperitoneal-metastasis', 'MEETS', S_MC_RETRO, 'secondary retroperitoneum and peritoneum (C78.6): the code holds retroperitoneal metastases, which I.B.7 covers with no qualifier', dx=['C78.6'], cite=[('000 I.B.7', S_MC_RETRO + ';')])
mc('mc-peritoneal-metastasis-qualifier', 'MEETS', S_MC_ABD, 'peritoneal metastases (C78.6) with the I.B.5 qualifier asserted', dx=['C78.6'], cite=[('000 I.B.5', S_MC_ABD + ';')], **{'assert': [('indication', 'MC.CP.MP.69:I.A.4'), ('indication', 'MC.CP.MP.69:I.B.5')]})

# KPWA-IMRT's criteria date from 11/2015; 06/01/2023 dates the APBI revision only.
kp('kpwa-before-apbi-revision', 'MEETS', S_KP_FROM, 'date of service 2023-05-31: the day before the APBI revision, inside the criteria (11/2015)', dos='2023-05-31', cite=[('002 revision history 07/07/2015', S_KP_FROM), ('002 revision history 01/10/2023', S_KP_APBI)])


def main():
    for f in os.listdir(HERE):
        if f.endswith('.xml'):
            os.remove(os.path.join(HERE, f))
    rows = ['# case\tpolicy\tplan\texpected\tdeciding seed sentence']
    for name, policy, plan, expected, sentence, case in PROBES:
        case = {k: v for k, v in case.items() if v is not None}
        with open(os.path.join(HERE, name + '.xml'), 'w') as fh:
            fh.write(case_xml(case))
        rows.append('\t'.join([name + '.xml', policy, plan, expected, sentence]))
    with open(os.path.join(HERE, 'expected.tsv'), 'w') as fh:
        fh.write('\n'.join(rows) + '\n')
    print(len(PROBES), 'probes')


if __name__ == '__main__':
    main()
