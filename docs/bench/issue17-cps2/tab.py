import json,glob,statistics as st
rows={}
for f in sorted(glob.glob("/tmp/cps2/ab-*/results.json")):
    d=json.load(open(f)); v=f.split('/')[3]
    s=d['samples']; a=s['sluice-afp']['cps_out']; p=s['pasta']['cps_out']
    fa=s['sluice-afp']['cps_fwd_lo']; fp=s['pasta']['cps_fwd_lo']
    r=[x/y for x,y in zip(a,p)]
    print('%-16s load %.1f-%.1f afp %s pasta %s ratio/rep %s | fwd_lo afp %s pasta %s'%(v,d['load']['start'][0],d['load']['end'][0],[round(x) for x in a],[round(x) for x in p],[round(x,2) for x in r],[round(x) for x in fa],[round(x) for x in fp]))
    k=v.rsplit('-',1)[0]
    rows.setdefault(k,{'a':[],'p':[],'r':[]})
    rows[k]['a']+=a; rows[k]['p']+=p; rows[k]['r']+=r
for k,v in rows.items():
    print(k,'n=%d median afp %.0f pasta %.0f ratio(median of per-rep) %.2f'%(len(v['a']),st.median(v['a']),st.median(v['p']),st.median(v['r'])))
