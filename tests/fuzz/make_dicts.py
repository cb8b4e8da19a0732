# Regenerates tests/fuzz/dicom.dict and xml.dict (run from the repository root: python3 tests/fuzz/make_dicts.py).
import subprocess, re, glob, os
files = glob.glob('dicom_samples/*/R*.dcm') + glob.glob('/work/shared/corpus/pydicom/rt*.dcm') + glob.glob('/work/shared/corpus/dcpt_let/*/*.dcm')[:2] + glob.glob('/work/shared/corpus/brachy_robustbrachy/*.dcm')
tags=set()
for f in files:
    out = subprocess.run(['dcmdump','-M',f],capture_output=True).stdout.decode('latin-1')
    for m in re.finditer(r'\(([0-9a-f]{4}),([0-9a-f]{4})\) (\w\w) ', out):
        tags.add((int(m.group(1),16), int(m.group(2),16), m.group(3)))
src=open('src/model/conformance.cpp').read()
for m in re.finditer(r'\{0x([0-9A-F]{4}), 0x([0-9A-F]{4})\}', src):
    tags.add((int(m.group(1),16), int(m.group(2),16), ''))
enum=set(re.findall(r'"([A-Z][A-Z0-9_]{1,20})"', src))
lines=['# DICOM tags (little-endian group, element; with the VR for explicit-VR files), item and',
       "# sequence delimiters, UIDs and enumerated values: generated from the samples' and pydicom's",
       '# RT files (dcmdump) and src/model/conformance.cpp.']
def b(x): return ''.join('\\x%02X'%c for c in x)
seen=set()
for g,e,vr in sorted(tags):
    k=bytes([g&255,g>>8,e&255,e>>8])
    if k not in seen:
        seen.add(k); lines.append('tag_%04X%04X="%s"'%(g,e,b(k)))
    if vr and vr != 'na':
        k2=k+vr.encode()
        if k2 not in seen:
            seen.add(k2); lines.append('tagvr_%04X%04X_%s="%s"'%(g,e,vr,b(k2)))
for name,k in [('item',b'\xfe\xff\x00\xe0'),('item_end',b'\xfe\xff\x0d\xe0'),('seq_end',b'\xfe\xff\xdd\xe0'),('undefined_length',b'\xff\xff\xff\xff'),('dicm',b'DICM')]:
    lines.append('%s="%s"'%(name,b(k)))
for vr in 'AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OW PN SH SL SQ SS ST TM UI UL UN US UT'.split():
    lines.append('vr_%s="%s"'%(vr,vr))
uids=['1.2.840.10008.5.1.4.1.1.481.5','1.2.840.10008.5.1.4.1.1.481.8','1.2.840.10008.5.1.4.1.1.481.2','1.2.840.10008.5.1.4.1.1.481.3','1.2.840.10008.1.2','1.2.840.10008.1.2.1','1.2.840.10008.1.2.2','1.2.840.10008.1.2.5','1.2.840.10008.1.2.4.50']
for i,u in enumerate(uids): lines.append('uid_%d="%s"'%(i,u))
for v in sorted(enum|{'RTPLAN','RTDOSE','RTSTRUCT','MLCX','MLCY','ASYMX','ASYMY','X','Y','CW','CC','NONE','TREATMENT','SETUP','ISO_IR 100','ISO_IR 192','GTV','PTV','CTV','ORGAN','EXTERNAL','PROTON','HDR','MODULATED'}):
    lines.append('v_%s="%s"'%(re.sub(r'\W','_',v),v))
open('tests/fuzz/dicom.dict','w').write('\n'.join(lines)+'\n')
print(len(lines))
names=set(); attrs=set()
for f in glob.glob('rulesets/*.xml')+glob.glob('tests/policy_cases/*.xml')+glob.glob('dicom_samples/*/case.xml')+glob.glob('tests/unit/policy_fixtures/*.xml'):
    t=open(f,encoding='utf-8',errors='replace').read()
    names|=set(re.findall(r'<([A-Za-z][\w-]*)',t)); attrs|=set(re.findall(r'\s([A-Za-z][\w-]*)="',t))
x=['# XML element and attribute names of the rulesets and case files (generated from rulesets/,',
   '# tests/policy_cases/, dicom_samples/*/case.xml and tests/unit/policy_fixtures/).']
for n in sorted(names):
    k=re.sub(r'\W','_',n); x.append('e_%s="<%s"'%(k,n)); x.append('c_%s="</%s>"'%(k,n))
for a in sorted(attrs): x.append('a_%s=" %s=\\""'%(re.sub(r'\W','_',a),a))
for i,s in enumerate(['<?xml version="1.0" encoding="UTF-8"?>','<!--','-->','<![CDATA[',']]>','&amp;','&lt;','&#x','/>','="','true','false','2026-01-01']):
    x.append('s_%d="%s"'%(i,s.replace('\\','\\\\').replace('"','\\"')))
open('tests/fuzz/xml.dict','w').write('\n'.join(x)+'\n')
print(len(x))
