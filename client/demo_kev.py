# ruff: noqa: E501  (catalog data: URLs cannot be wrapped)
"""A small sample of CISA's Known Exploited Vulnerabilities catalog for the demo.

Sixteen entries copied unchanged from the public catalog (version 2025.08.25), which CISA
distributes under Creative Commons CC0 1.0. ``renkei demo --kev FILE`` imports a full catalog
instead.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SAMPLE_CATALOG"]

_ENTRIES: list[dict[str, Any]] = [{'cveID': 'CVE-2025-48384',
  'vendorProject': 'Git',
  'product': 'Git',
  'vulnerabilityName': 'Git Link Following Vulnerability',
  'dateAdded': '2025-08-25',
  'shortDescription': 'Git contains a link following vulnerability that stems from Git’s '
                      'inconsistent handling of carriage return characters in configuration '
                      'files.',
  'requiredAction': 'Apply mitigations per vendor instructions, follow applicable BOD 22-01 '
                    'guidance for cloud services, or discontinue use of the product if '
                    'mitigations are unavailable.',
  'dueDate': '2025-09-15',
  'knownRansomwareCampaignUse': 'Unknown',
  'notes': 'This vulnerability affects a common open-source component, third-party library, or '
           'a protocol used by different products. For more information, please see: '
           'https://github.com/git/git/security/advisories/GHSA-vwqx-4fm8-6qc9 ; '
           'https://access.redhat.com/errata/RHSA-2025:13933 ; '
           'https://alas.aws.amazon.com/AL2/ALAS2-2025-2941.html ; '
           'https://linux.oracle.com/errata/ELSA-2025-11534.html ; '
           'https://msrc.microsoft.com/update-guide/vulnerability/CVE-2025-48384 ; '
           'https://nvd.nist.gov/vuln/detail/CVE-2025-48384',
  'cwes': ['CWE-59', 'CWE-436']},
 {'cveID': 'CVE-2025-0282',
  'vendorProject': 'Ivanti',
  'product': 'Connect Secure, Policy Secure, and ZTA Gateways',
  'vulnerabilityName': 'Ivanti Connect Secure, Policy Secure, and ZTA Gateways Stack-Based '
                       'Buffer Overflow Vulnerability',
  'dateAdded': '2025-01-08',
  'shortDescription': 'Ivanti Connect Secure, Policy Secure, and ZTA Gateways contain a '
                      'stack-based buffer overflow which can lead to unauthenticated remote '
                      'code execution.',
  'requiredAction': 'Apply mitigations as set forth in the CISA instructions linked below to '
                    'include conducting hunt activities, taking remediation actions if '
                    'applicable, and applying updates prior to returning a device to service.',
  'dueDate': '2025-01-15',
  'knownRansomwareCampaignUse': 'Known',
  'notes': 'CISA Mitigation Instructions: '
           'https://www.cisa.gov/cisa-mitigation-instructions-CVE-2025-0282 Additional '
           'References: '
           'https://forums.ivanti.com/s/article/Security-Advisory-Ivanti-Connect-Secure-Policy-Secure-ZTA-Gateways-CVE-2025-0282-CVE-2025-0283 '
           '; https://nvd.nist.gov/vuln/detail/CVE-2025-0282',
  'cwes': ['CWE-121']},
 {'cveID': 'CVE-2024-55956',
  'vendorProject': 'Cleo',
  'product': 'Multiple Products',
  'vulnerabilityName': 'Cleo Multiple Products Unauthenticated File Upload Vulnerability',
  'dateAdded': '2024-12-17',
  'shortDescription': 'Cleo Harmony, VLTrader, and LexiCom, which are managed file transfer '
                      'products, contain an unrestricted file upload vulnerability that could '
                      'allow an unauthenticated user to import and execute arbitrary bash or '
                      'PowerShell commands on the host system by leveraging the default '
                      'settings of the Autorun directory.',
  'requiredAction': 'Apply mitigations per vendor instructions or discontinue use of the '
                    'product if mitigations are unavailable.',
  'dueDate': '2025-01-07',
  'knownRansomwareCampaignUse': 'Known',
  'notes': 'https://support.cleo.com/hc/en-us/articles/28408134019735-Cleo-Product-Security-Update-CVE-2024-55956 '
           '; https://nvd.nist.gov/vuln/detail/CVE-2024-55956',
  'cwes': ['CWE-276']},
 {'cveID': 'CVE-2024-47575',
  'vendorProject': 'Fortinet',
  'product': 'FortiManager',
  'vulnerabilityName': 'Fortinet FortiManager Missing Authentication Vulnerability',
  'dateAdded': '2024-10-23',
  'shortDescription': 'Fortinet FortiManager contains a missing authentication vulnerability '
                      'in the fgfmd daemon that allows a remote, unauthenticated attacker to '
                      'execute arbitrary code or commands via specially crafted requests.',
  'requiredAction': 'Apply mitigations per vendor instructions or discontinue use of the '
                    'product if mitigations are unavailable.',
  'dueDate': '2024-11-13',
  'knownRansomwareCampaignUse': 'Unknown',
  'notes': 'https://fortiguard.fortinet.com/psirt/FG-IR-24-423 ; '
           'https://nvd.nist.gov/vuln/detail/CVE-2024-47575',
  'cwes': ['CWE-306']},
 {'cveID': 'CVE-2024-3400',
  'vendorProject': 'Palo Alto Networks',
  'product': 'PAN-OS',
  'vulnerabilityName': 'Palo Alto Networks PAN-OS Command Injection Vulnerability',
  'dateAdded': '2024-04-12',
  'shortDescription': 'Palo Alto Networks PAN-OS GlobalProtect feature contains a command '
                      'injection vulnerability that allows an unauthenticated attacker to '
                      'execute commands with root privileges on the firewall.',
  'requiredAction': 'Apply mitigations per vendor instructions as they become available. '
                    'Otherwise, users with vulnerable versions of affected devices should '
                    'enable Threat Prevention IDs available from the vendor. See the vendor '
                    'bulletin for more details and a patch release schedule.',
  'dueDate': '2024-04-19',
  'knownRansomwareCampaignUse': 'Known',
  'notes': 'https://security.paloaltonetworks.com/CVE-2024-3400 ;   '
           'https://nvd.nist.gov/vuln/detail/CVE-2024-3400',
  'cwes': ['CWE-20', 'CWE-77']},
 {'cveID': 'CVE-2024-1709',
  'vendorProject': 'ConnectWise',
  'product': 'ScreenConnect',
  'vulnerabilityName': 'ConnectWise ScreenConnect Authentication Bypass Vulnerability',
  'dateAdded': '2024-02-22',
  'shortDescription': 'ConnectWise ScreenConnect contains an authentication bypass '
                      'vulnerability that allows an attacker with network access to the '
                      'management interface to create a new, administrator-level account on '
                      'affected devices.',
  'requiredAction': 'Apply mitigations per vendor instructions or discontinue use of the '
                    'product if mitigations are unavailable.',
  'dueDate': '2024-02-29',
  'knownRansomwareCampaignUse': 'Known',
  'notes': 'https://www.connectwise.com/company/trust/security-bulletins/connectwise-screenconnect-23.9.8; '
           'https://nvd.nist.gov/vuln/detail/CVE-2024-1709',
  'cwes': ['CWE-288']},
 {'cveID': 'CVE-2024-21887',
  'vendorProject': 'Ivanti',
  'product': 'Connect Secure and Policy Secure',
  'vulnerabilityName': 'Ivanti Connect Secure and Policy Secure Command Injection '
                       'Vulnerability',
  'dateAdded': '2024-01-10',
  'shortDescription': 'Ivanti Connect Secure (ICS, formerly known as Pulse Connect Secure) and '
                      'Ivanti Policy Secure contain a command injection vulnerability in the '
                      'web components of these products, which can allow an authenticated '
                      'administrator to send crafted requests to execute code on affected '
                      'appliances. This vulnerability can be leveraged in conjunction with '
                      'CVE-2023-46805, an authenticated bypass issue.',
  'requiredAction': 'Apply mitigations per vendor instructions or discontinue use of the '
                    'product if mitigations are unavailable.',
  'dueDate': '2024-01-22',
  'knownRansomwareCampaignUse': 'Unknown',
  'notes': 'Please apply mitigations per vendor instructions. For more information, please '
           'see: '
           'https://forums.ivanti.com/s/article/KB-CVE-2023-46805-Authentication-Bypass-CVE-2024-21887-Command-Injection-for-Ivanti-Connect-Secure-and-Ivanti-Policy-Secure-Gateways?language=en_US '
           '; https://nvd.nist.gov/vuln/detail/CVE-2024-21887',
  'cwes': ['CWE-77']},
 {'cveID': 'CVE-2023-46805',
  'vendorProject': 'Ivanti',
  'product': 'Connect Secure and Policy Secure',
  'vulnerabilityName': 'Ivanti Connect Secure and Policy Secure Authentication Bypass '
                       'Vulnerability',
  'dateAdded': '2024-01-10',
  'shortDescription': 'Ivanti Connect Secure (ICS, formerly known as Pulse Connect Secure) and '
                      'Ivanti Policy Secure gateways contain an authentication bypass '
                      'vulnerability in the web component that allows an attacker to access '
                      'restricted resources by bypassing control checks. This vulnerability '
                      'can be leveraged in conjunction with CVE-2024-21887, a command '
                      'injection vulnerability.',
  'requiredAction': 'Apply mitigations per vendor instructions or discontinue use of the '
                    'product if mitigations are unavailable.',
  'dueDate': '2024-01-22',
  'knownRansomwareCampaignUse': 'Unknown',
  'notes': 'Please apply mitigations per vendor instructions. For more information, please '
           'see: '
           'https://forums.ivanti.com/s/article/KB-CVE-2023-46805-Authentication-Bypass-CVE-2024-21887-Command-Injection-for-Ivanti-Connect-Secure-and-Ivanti-Policy-Secure-Gateways?language=en_US '
           ';  https://nvd.nist.gov/vuln/detail/CVE-2023-46805',
  'cwes': ['CWE-287']},
 {'cveID': 'CVE-2023-22518',
  'vendorProject': 'Atlassian',
  'product': 'Confluence Data Center and Server',
  'vulnerabilityName': 'Atlassian Confluence Data Center and Server Improper Authorization '
                       'Vulnerability',
  'dateAdded': '2023-11-07',
  'shortDescription': 'Atlassian Confluence Data Center and Server contain an improper '
                      'authorization vulnerability that can result in significant data loss '
                      'when exploited by an unauthenticated attacker. There is no impact on '
                      'confidentiality since the attacker cannot exfiltrate any data.',
  'requiredAction': 'Apply mitigations per vendor instructions or discontinue use of the '
                    'product if mitigations are unavailable.',
  'dueDate': '2023-11-28',
  'knownRansomwareCampaignUse': 'Known',
  'notes': 'https://confluence.atlassian.com/security/cve-2023-22518-improper-authorization-vulnerability-in-confluence-data-center-and-server-1311473907.html;  '
           'https://nvd.nist.gov/vuln/detail/CVE-2023-22518',
  'cwes': ['CWE-863']},
 {'cveID': 'CVE-2023-4966',
  'vendorProject': 'Citrix',
  'product': 'NetScaler ADC and NetScaler Gateway',
  'vulnerabilityName': 'Citrix NetScaler ADC and NetScaler Gateway Buffer Overflow '
                       'Vulnerability',
  'dateAdded': '2023-10-18',
  'shortDescription': 'Citrix NetScaler ADC and NetScaler Gateway contain a buffer overflow '
                      'vulnerability that allows for sensitive information disclosure when '
                      'configured as a Gateway (VPN virtual server, ICA Proxy, CVPN, RDP '
                      'Proxy) or AAA virtual server.',
  'requiredAction': 'Apply mitigations and kill all active and persistent sessions per vendor '
                    'instructions '
                    '[https://www.netscaler.com/blog/news/cve-2023-4966-critical-security-update-now-available-for-netscaler-adc-and-netscaler-gateway/] '
                    'OR discontinue use of the product if mitigations are unavailable.',
  'dueDate': '2023-11-08',
  'knownRansomwareCampaignUse': 'Known',
  'notes': 'https://www.netscaler.com/blog/news/cve-2023-4966-critical-security-update-now-available-for-netscaler-adc-and-netscaler-gateway/, '
           'https://support.citrix.com/article/CTX579459/netscaler-adc-and-netscaler-gateway-security-bulletin-for-cve20234966-and-cve20234967 '
           ';  https://nvd.nist.gov/vuln/detail/CVE-2023-4966',
  'cwes': ['CWE-119']},
 {'cveID': 'CVE-2023-20198',
  'vendorProject': 'Cisco',
  'product': 'IOS XE Web UI',
  'vulnerabilityName': 'Cisco IOS XE Web UI Privilege Escalation Vulnerability',
  'dateAdded': '2023-10-16',
  'shortDescription': 'Cisco IOS XE Web UI contains a privilege escalation vulnerability in '
                      'the web user interface that could allow a remote, unauthenticated '
                      'attacker to create an account with privilege level 15 access. The '
                      'attacker can then use that account to gain control of the affected '
                      'device.',
  'requiredAction': 'Verify that instances of Cisco IOS XE Web UI are in compliance with BOD '
                    '23-02 and apply mitigations per vendor instructions. For affected '
                    'products (Cisco IOS XE Web UI exposed to the internet or to untrusted '
                    'networks), follow vendor instructions to determine if a system may have '
                    'been compromised and immediately report positive findings to CISA.',
  'dueDate': '2023-10-20',
  'knownRansomwareCampaignUse': 'Unknown',
  'notes': 'https://www.cisco.com/c/en/us/support/docs/ios-nx-os-software/ios-xe-dublin-17121/221128-software-fix-availability-for-cisco-ios.html;  '
           'https://nvd.nist.gov/vuln/detail/CVE-2023-20198',
  'cwes': ['CWE-420']},
 {'cveID': 'CVE-2023-27997',
  'vendorProject': 'Fortinet',
  'product': 'FortiOS and FortiProxy SSL-VPN',
  'vulnerabilityName': 'Fortinet FortiOS and FortiProxy SSL-VPN Heap-Based Buffer Overflow '
                       'Vulnerability',
  'dateAdded': '2023-06-13',
  'shortDescription': 'Fortinet FortiOS and FortiProxy SSL-VPN contain a heap-based buffer '
                      'overflow vulnerability which can allow an unauthenticated, remote '
                      'attacker to execute code or commands via specifically crafted requests.',
  'requiredAction': 'Apply updates per vendor instructions.',
  'dueDate': '2023-07-04',
  'knownRansomwareCampaignUse': 'Known',
  'notes': 'https://www.fortiguard.com/psirt/FG-IR-23-097;  '
           'https://nvd.nist.gov/vuln/detail/CVE-2023-27997',
  'cwes': ['CWE-122']},
 {'cveID': 'CVE-2023-34362',
  'vendorProject': 'Progress',
  'product': 'MOVEit Transfer',
  'vulnerabilityName': 'Progress MOVEit Transfer SQL Injection Vulnerability',
  'dateAdded': '2023-06-02',
  'shortDescription': 'Progress MOVEit Transfer contains a SQL injection vulnerability that '
                      'could allow an unauthenticated attacker to gain unauthorized access to '
                      "MOVEit Transfer's database. Depending on the database engine being used "
                      '(MySQL, Microsoft SQL Server, or Azure SQL), an attacker may be able to '
                      'infer information about the structure and contents of the database in '
                      'addition to executing SQL statements that alter or delete database '
                      'elements.',
  'requiredAction': 'Apply updates per vendor instructions.',
  'dueDate': '2023-06-23',
  'knownRansomwareCampaignUse': 'Known',
  'notes': 'This CVE has a CISA AA located here: '
           'https://www.cisa.gov/news-events/cybersecurity-advisories/aa23-158a. Please see '
           'the AA for associated IOCs. Additional information is available at: '
           'https://community.progress.com/s/article/MOVEit-Transfer-Critical-Vulnerability-31May2023.;  '
           'https://nvd.nist.gov/vuln/detail/CVE-2023-34362',
  'cwes': ['CWE-89']},
 {'cveID': 'CVE-2022-40684',
  'vendorProject': 'Fortinet',
  'product': 'Multiple Products',
  'vulnerabilityName': 'Fortinet Multiple Products Authentication Bypass Vulnerability',
  'dateAdded': '2022-10-11',
  'shortDescription': 'Fortinet FortiOS, FortiProxy, and FortiSwitchManager contain an '
                      'authentication bypass vulnerability that could allow an unauthenticated '
                      'attacker to perform operations on the administrative interface via '
                      'specially crafted HTTP or HTTPS requests.',
  'requiredAction': 'Apply updates per vendor instructions.',
  'dueDate': '2022-11-01',
  'knownRansomwareCampaignUse': 'Known',
  'notes': 'https://www.fortiguard.com/psirt/FG-IR-22-377;  '
           'https://nvd.nist.gov/vuln/detail/CVE-2022-40684',
  'cwes': ['CWE-288']},
 {'cveID': 'CVE-2021-44228',
  'vendorProject': 'Apache',
  'product': 'Log4j2',
  'vulnerabilityName': 'Apache Log4j2 Remote Code Execution Vulnerability',
  'dateAdded': '2021-12-10',
  'shortDescription': 'Apache Log4j2 contains a vulnerability where JNDI features do not '
                      'protect against attacker-controlled JNDI-related endpoints, allowing '
                      'for remote code execution.',
  'requiredAction': 'For all affected software assets for which updates exist, the only '
                    'acceptable remediation actions are: 1) Apply updates; OR 2) remove '
                    'affected assets from agency networks. Temporary mitigations using one of '
                    'the measures provided at '
                    'https://www.cisa.gov/uscert/ed-22-02-apache-log4j-recommended-mitigation-measures '
                    'are only acceptable until updates are available.',
  'dueDate': '2021-12-24',
  'knownRansomwareCampaignUse': 'Known',
  'notes': 'https://nvd.nist.gov/vuln/detail/CVE-2021-44228',
  'cwes': ['CWE-20', 'CWE-400', 'CWE-502']},
 {'cveID': 'CVE-2021-40444',
  'vendorProject': 'Microsoft',
  'product': 'MSHTML',
  'vulnerabilityName': 'Microsoft MSHTML Remote Code Execution Vulnerability',
  'dateAdded': '2021-11-03',
  'shortDescription': 'Microsoft MSHTML contains a unspecified vulnerability that allows for '
                      'remote code execution.',
  'requiredAction': 'Apply updates per vendor instructions.',
  'dueDate': '2021-11-17',
  'knownRansomwareCampaignUse': 'Known',
  'notes': 'https://nvd.nist.gov/vuln/detail/CVE-2021-40444',
  'cwes': ['CWE-22']}]

SAMPLE_CATALOG: dict[str, Any] = {
    "title": "CISA Catalog of Known Exploited Vulnerabilities (demo sample)",
    "catalogVersion": "2025.08.25",
    "dateReleased": "2025-08-25T17:04:19.9796Z",
    "count": len(_ENTRIES),
    "vulnerabilities": _ENTRIES,
}
