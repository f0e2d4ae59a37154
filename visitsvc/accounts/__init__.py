"""Who is logged in and what they did: logins and tokens, passwords, the audit trail."""
