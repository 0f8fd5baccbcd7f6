"""pyHanko's AdES validation (ETSI EN 319 102-1) of every signature in a
PDF, from what the file carries alone: no OCSP responder, CRL distribution
point or certificate is fetched, so a long-term signature (PAdES B-LT or
B-LTA) must hold all it needs in its document security store.

    python tools/ades.py CA.pem FILE.pdf [VALIDATION-TIME]

VALIDATION-TIME (ISO 8601) validates as of then instead of now. Prints
pyHanko's summary of each signature, one line each; exits 1 when one is
not valid.

pyHanko's own `adesverify` command does the same but fetches revocation
data for every certificate that names where to get it, and does not fall
back on the file's data when that address does not answer.
"""

import asyncio
import sys
from dataclasses import replace

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.misc import isoparse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    REQUIRE_REVINFO,
    CertRevTrustPolicy,
    FreshnessReqType,
)
from pyhanko_certvalidator.registry import SimpleTrustManager


def main():
    ca, path = sys.argv[1:3]
    if len(sys.argv) > 3:
        at = isoparse(sys.argv[3])
        timing = ValidationTimingInfo(at, at, point_in_time_validation=True)
    else:
        timing = ValidationTimingInfo.now()
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=[load_cert_from_pemder(ca)]),
        revinfo_policy=CertRevTrustPolicy(
            REQUIRE_REVINFO,
            freshness=None,
            freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION,
        ),
    )
    spec = PdfSignatureValidationSpec(
        signature_validation_spec=SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        ),
        diff_policy=DEFAULT_DIFF_POLICY,
    )
    ok = True
    with open(path, "rb") as f:
        reader = PdfFileReader(f)
        if not reader.embedded_regular_signatures:
            print("no signature")
            sys.exit(1)
        for signature in reader.embedded_regular_signatures:
            result = asyncio.run(ades_lta_validation(signature, spec, timing_info=timing))
            status = result.api_status
            print(f"{signature.field_name}: {status.summary()} ({result.ades_subindic})")
            ok &= status.bottom_line
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
