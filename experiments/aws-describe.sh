#!/usr/bin/env bash
# Writes the AWS CLI describe-* outputs that `vpcsim import aws DIR` reads, one file each, for the
# Region of the current profile (AWS_REGION / --region). Read-only calls; needs the AWS CLI v2 and
# describe permissions (ec2:Describe*, directconnect:Describe*, route53:Get*/List*,
# route53resolver:List*).
# Usage: experiments/aws-describe.sh DIR [--region us-east-1]
# Then:  vpcsim import aws DIR -o estate.yaml [--workloads workloads.yaml]
set -euo pipefail
dir=${1:?usage: aws-describe.sh DIR [--region REGION]}
shift
mkdir -p "$dir"
aws() { command aws --output json "$@"; }
ec2() { aws ec2 "$@"; }

ec2 describe-vpcs "$@"                        > "$dir/vpcs.json"
ec2 describe-subnets "$@"                     > "$dir/subnets.json"
ec2 describe-route-tables "$@"                > "$dir/route-tables.json"
ec2 describe-nat-gateways "$@"                > "$dir/nat-gateways.json"
ec2 describe-internet-gateways "$@"           > "$dir/internet-gateways.json"
ec2 describe-vpc-endpoints "$@"               > "$dir/vpc-endpoints.json"
ec2 describe-security-groups "$@"             > "$dir/security-groups.json"
ec2 describe-vpc-peering-connections "$@"     > "$dir/vpc-peering-connections.json"
ec2 describe-vpn-connections "$@"             > "$dir/vpn-connections.json"
ec2 describe-transit-gateways "$@"            > "$dir/transit-gateways.json"
ec2 describe-transit-gateway-attachments "$@" > "$dir/transit-gateway-attachments.json"
ec2 describe-transit-gateway-vpc-attachments "$@" > "$dir/transit-gateway-vpc-attachments.json"
ec2 describe-transit-gateway-route-tables "$@" > "$dir/transit-gateway-route-tables.json"
# every route of every TGW route table (static and propagated; search needs a filter)
for rt in $(ec2 describe-transit-gateway-route-tables "$@" \
              --query 'TransitGatewayRouteTables[].TransitGatewayRouteTableId' --output text); do
  ec2 search-transit-gateway-routes "$@" --transit-gateway-route-table-id "$rt" \
    --filters Name=state,Values=active,blackhole > "$dir/transit-gateway-routes-$rt.json"
done
aws directconnect describe-virtual-interfaces "$@" > "$dir/virtual-interfaces.json"
aws directconnect describe-connections "$@"        > "$dir/connections.json"
# private hosted zones (an interface endpoint's name shared with other VPCs) and their VPCs
for z in $(aws route53 list-hosted-zones --query 'HostedZones[?Config.PrivateZone].Id' \
             --output text); do
  aws route53 get-hosted-zone --id "$z" > "$dir/hosted-zone-${z##*/}.json"
done
aws route53resolver list-resolver-endpoints "$@" > "$dir/resolver-endpoints.json"
for id in $(aws route53resolver list-resolver-endpoints "$@" \
              --query 'ResolverEndpoints[].Id' --output text); do
  aws route53resolver list-resolver-endpoint-ip-addresses "$@" --resolver-endpoint-id "$id" \
    > "$dir/resolver-endpoint-ips-$id.json"
done
echo "wrote $(ls "$dir" | wc -l) files to $dir; next: vpcsim import aws $dir -o estate.yaml"
