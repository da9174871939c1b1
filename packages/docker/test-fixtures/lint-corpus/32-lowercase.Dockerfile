from alpine:3.20 as base
run apk add --no-cache ca-certificates
from base
user 1000
cmd ["sh"]
