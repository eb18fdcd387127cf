using System.Globalization;
using Kefu.Platform;
using Kefu.Platform.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace Kefu.Tests.Platform;

/// <summary>Validation messages in the user's language: the services' English messages translated, and the password
/// rules checked before sending.</summary>
[Collection(SqliteCollection.Name)]
public sealed class UiTextTests(SqliteApp app)
{
    private IStringLocalizer L => app.Service<IStringLocalizer<SharedResource>>();

    private static T In<T>(string culture, Func<T> f)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(culture);
        try { return f(); } finally { CultureInfo.CurrentUICulture = before; }
    }

    [Fact]
    public void Known_server_messages_are_translated_and_unknown_ones_kept()
    {
        var identity = new IdentityErrorDescriber();
        Assert.Equal("密码至少需要 12 个字符。", In("zh-CN", () => ErrorText.Translate(identity.PasswordTooShort(12).Description, 400, "password", L)));
        Assert.Equal("The password needs at least 12 characters.", In("en", () => ErrorText.Translate(identity.PasswordTooShort(12).Description, 400, "password", L)));
        Assert.Equal("该用户名已被占用。", In("zh-CN", () => ErrorText.Translate("Already taken.", 409, "userName", L)));
        Assert.Equal("当前密码不正确。", In("zh-CN", () => ErrorText.Translate(identity.PasswordMismatch().Description, 400, "currentPassword", L)));
        Assert.Equal("Something new.", In("zh-CN", () => ErrorText.Translate("Something new.", 400, "x", L)));
    }

    [Fact]
    public void A_service_rejection_shown_in_a_page_is_in_the_users_language()
    {
        // A reply to a ticket merged meanwhile: the message with its numbers, translated.
        var merged = DomainException.Conflict("Ticket #100007 was merged into #100009; write there.");
        Assert.Equal("工单 #100007 已合并到 #100009，请在该工单中回复。", In("zh-CN", () => ErrorText.Of(merged, L)));
        Assert.Equal("Ticket #100007 was merged into #100009; write your reply there.", In("en", () => ErrorText.Of(merged, L)));
        // A field error: the field's message; an unknown one is kept rather than hidden.
        Assert.Equal("标签最多 50 个字符。", In("zh-CN", () => ErrorText.Of(DomainException.Validation("tags", "A tag is at most 50 characters."), L)));
        Assert.Equal("Something new.", In("zh-CN", () => ErrorText.Of(DomainException.Validation("x", "Something new."), L)));
        // No field, no known text: one sentence per status, never the English detail.
        var forbidden = DomainException.Forbidden("You can only manage the routing of your own teams.");
        Assert.Equal(In("zh-CN", () => L["Error.Forbidden"].Value), In("zh-CN", () => ErrorText.Of(forbidden, L)));
        Assert.DoesNotContain("routing", In("zh-CN", () => ErrorText.Of(forbidden, L)));
        Assert.Equal(In("zh-CN", () => L["Error.NotFound"].Value), In("zh-CN", () => ErrorText.Of(DomainException.NotFound("Team"), L)));
    }

    [Fact]
    public void Errors_land_on_their_field_or_in_the_summary()
    {
        var errors = new FormErrors("userName", "password");
        In("en", () =>
        {
            errors.Add(new DomainException(400, "Validation failed", "x", new Dictionary<string, string[]>
            {
                ["userName"] = ["Already taken."], ["user"] = ["Something else."],
            }), L);
            return true;
        });
        Assert.Equal("This user name is already taken.", errors["userName"]);
        Assert.Null(errors["password"]);
        Assert.Equal("Something else.", errors.Summary);

        var conflict = new FormErrors("name");
        In("zh-CN", () => { conflict.Add(DomainException.Conflict("Team 'x' exists."), L, conflictField: "name"); return true; });
        Assert.Equal("该名称已被使用。", conflict["name"]);
    }

    [Fact]
    public void Password_rules_follow_the_identity_options()
    {
        var o = new PasswordOptions { RequiredLength = 8, RequireDigit = true, RequireLowercase = true, RequireUppercase = false, RequireNonAlphanumeric = false };
        Assert.Equal("The password needs at least 8 characters.", In("en", () => PasswordRules.Check("abc1", o, L)));
        Assert.Equal("The password needs a digit (0–9).", In("en", () => PasswordRules.Check("abcdefgh", o, L)));
        Assert.Equal("密码需包含小写字母（a–z）。", In("zh-CN", () => PasswordRules.Check("ABCDEFG1", o, L)));
        Assert.Null(PasswordRules.Check("Secret#2026", o, L));
    }
}
