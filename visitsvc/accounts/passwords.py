"""What a password someone chooses for themselves must be (pure): long enough, not their account name, not one
of the passwords every guesser tries first. Kept simple on purpose, so the rule can be told in one line."""

from __future__ import annotations

MIN_OWN_PASSWORD_LENGTH = 10
# The first guesses of anyone trying one password on every account, the seed's demo password among them.
COMMON_PASSWORDS = frozenset(
    {
        "demo1234",
        "12345678",
        "123456789",
        "1234567890",
        "0123456789",
        "1111111111",
        "0000000000",
        "1qaz2wsx3edc",
        "88888888",
        "password",
        "password1",
        "password123",
        "passw0rd",
        "qwertyuiop",
        "qwerty123",
        "abc123456",
        "abcd1234",
        "a123456789",
        "iloveyou",
        "woaini1314",
        "admin123",
        "admin12345",
        "changeme",
        "welcome1",
    }
)


def password_problems(password: str, *, account: str, current: str | None = None) -> list[str]:
    """Why `password` may not be chosen (empty when it may)."""
    problems: list[str] = []
    if len(password) < MIN_OWN_PASSWORD_LENGTH:
        problems.append(f"密码至少 {MIN_OWN_PASSWORD_LENGTH} 位")
    folded = password.casefold()
    if folded == account.casefold():
        problems.append("密码不能与账号相同")
    if folded in COMMON_PASSWORDS:
        problems.append("密码过于常见，请换一个")
    if current is not None and password == current:
        problems.append("新密码不能与当前密码相同")
    return problems
