"""Identity: IIN/BIN rules, accounts and log-in, organizations, staff roles, access rules, OTP.

Other modules use: `identifiers` (pure: iin_validate, bin_validate, mobile_normalise),
`services` (writes), `selectors` (reads), `access` (who may see what; raises NotFound),
`otp` (one-time passwords) and `sms` (the SMS gateway seam); its errors are `qyzmet.core.errors`.
"""
