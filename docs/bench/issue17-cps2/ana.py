import re,collections,statistics,sys
conns=collections.OrderedDict()
for l in open(sys.argv[1]):
    m=re.match(r'(\S+) .*?IP (\S+)\.(\d+) > (\S+)\.(\d+): Flags \[([^\]]*)\](.*)',l)
    if not m: continue
    t=float(m.group(1)); sp,dp=m.group(3),m.group(5)
    if dp=='8080': key=sp; d='>'
    else: key=dp; d='<'
    ln=re.search(r'length (\d+)',l); ln=int(ln.group(1)) if ln else 0
    conns.setdefault(key,[]).append((t,d,m.group(6),ln))
full=[v for v in conns.values() if v[0][2]=='S' and v[0][1]=='>' and v[-1][1]=='<' and 'F' in ''.join(x[2] for x in v if x[1]=='>')]
print(len(conns),len(full))
for v in full[:3]:
    t0=v[0][0]
    print(' '.join('%s%s%s:%.0f'%(d,f,'/%d'%ln if ln else '',(t-t0)*1e6) for t,d,f,ln in v))
pats=collections.Counter(' '.join(d+f+('D' if ln else '') for t,d,f,ln in v) for v in full)
for p,c in pats.most_common(6): print(c,p)
# per step gaps for the most common pattern
p0=pats.most_common(1)[0][0]
sel=[v for v in full if ' '.join(d+f+('D' if ln else '') for t,d,f,ln in v)==p0]
steps=p0.split()
for i in range(1,len(steps)):
    g=[(v[i][0]-v[i-1][0])*1e6 for v in sel]
    print('%-8s -> %-8s median %7.0f us  p90 %7.0f'%(steps[i-1],steps[i],statistics.median(g),sorted(g)[int(len(g)*.9)]))
tot=[(v[-1][0]-v[0][0])*1e6 for v in sel]
print('total median %.0f us'%statistics.median(tot))
fo=[sum(1 for x in v if x[1]=='<') for v in full]; fi=[sum(1 for x in v if x[1]=='>') for v in full]
print('frames per connection: to guest %.2f, from guest %.2f (n=%d); SYN->SYN-ACK median %.0f us'%(statistics.mean(fo),statistics.mean(fi),len(full),statistics.median([(v[1][0]-v[0][0])*1e6 for v in full])))
