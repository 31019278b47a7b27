using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Data;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class PasswordLimitFactory() : HeldClockFactory(null, new Dictionary<string, string?>
{
    ["RateLimiting:PasswordChange:PermitLimit"] = "2",
    ["RateLimiting:PasswordChange:WindowSeconds"] = "60",
});

/// <summary>Issue item 1: POST /api/auth/password for every user, with the password policy and a throttle.</summary>
public sealed class PasswordChangeTests(PasswordLimitFactory factory) : IClassFixture<PasswordLimitFactory>
{
    private const string Current = "The-current-one!1";
    private const string Next = "A-brand-new-secret!2";

    private sealed record Account(Guid Id, string Email, HttpClient Client) : IDisposable
    {
        public void Dispose() => Client.Dispose();
    }

    /// <summary>A Globex staff user of its own (written with the app's hasher), signed in by token.</summary>
    private async Task<Account> AccountAsync()
    {
        var email = $"pw-{Guid.NewGuid():N}@globex.example";
        var id = await Flows.QueryAsync(factory, async db =>
        {
            var tenant = await db.Tenants.SingleAsync(t => t.Name == "Globex");
            var user = new User { Id = Guid.CreateVersion7(), TenantId = tenant.Id, Email = email, Role = UserRole.Staff, PasswordHash = "", CreatedAt = DateTime.UtcNow };
            user.PasswordHash = factory.Services.GetRequiredService<IPasswordHasher<User>>().HashPassword(user, Current);
            db.Users.Add(user);
            await db.SaveChangesAsync();
            return user.Id;
        });
        var client = factory.CreateApiClient();
        var token = await (await client.PostAsJsonAsync("/api/auth/token", new { email, password = Current })).AssertJsonAsync(HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("accessToken").GetString());
        return new Account(id, email, client);
    }

    private Task<(string Hash, string Stamp, int Audit)> StateAsync(Guid id) => Flows.QueryAsync(factory, async db =>
    {
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
        return (user.PasswordHash, user.SecurityStamp, await db.AuditEvents.CountAsync(a => a.EntityId == id));
    });

    private static Task<HttpResponseMessage> ChangeAsync(HttpClient client, string currentPassword, string newPassword) =>
        client.PostAsJsonAsync("/api/auth/password", new { currentPassword, newPassword });

    [Fact]
    public async Task A_user_changes_their_password_and_the_answer_is_a_fresh_token_for_it()
    {
        using var account = await AccountAsync();
        var before = await StateAsync(account.Id);

        var answer = await (await ChangeAsync(account.Client, Current, Next)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Bearer", answer.GetProperty("tokenType").GetString());
        Assert.True(answer.GetProperty("expiresIn").GetInt64() > 0);
        Assert.Equal((account.Email, false), (answer.GetProperty("user").GetProperty("email").GetString(), answer.GetProperty("user").GetProperty("mustChangePassword").GetBoolean()));

        using var fresh = factory.CreateApiClient();
        fresh.DefaultRequestHeaders.Authorization = new("Bearer", answer.GetProperty("accessToken").GetString());
        Assert.Equal(account.Id, (await (await fresh.GetAsync("/api/auth/me")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("id").GetGuid());
        await (await fresh.PostAsJsonAsync("/api/auth/token", new { email = account.Email, password = Current })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await fresh.PostAsJsonAsync("/api/auth/token", new { email = account.Email, password = Next })).AssertJsonAsync(HttpStatusCode.OK);

        var after = await StateAsync(account.Id);
        Assert.NotEqual(before.Hash, after.Hash);
        Assert.NotEqual(before.Stamp, after.Stamp);
        var audit = Assert.Single(await Flows.QueryAsync(factory, db => db.AuditEvents.AsNoTracking().Where(a => a.EntityId == account.Id).ToListAsync()));
        Assert.Equal((AuditActions.PasswordChanged, account.Id, "User"), (audit.Action, audit.ActorUserId!.Value, audit.EntityType));
        Assert.DoesNotContain(Next, audit.Data);
        Assert.DoesNotContain(Current, audit.Data);
        Assert.False(JsonDocument.Parse(audit.Data).RootElement.GetProperty("wasRequired").GetBoolean());
    }

    [Theory]
    [InlineData("Wrong-current-one!1", Next, "currentPassword")]
    [InlineData(Current, Current, "newPassword")]
    [InlineData(Current, "Short!1", "newPassword")]
    [InlineData(Current, "{email}", "newPassword")]
    [InlineData(Current, "iloveyou1234", "newPassword")]
    [InlineData(Current, "QWERTY123456", "newPassword")]
    public async Task A_wrong_current_password_or_a_new_one_the_policy_refuses_is_a_400_and_changes_nothing(string currentPassword, string newPassword, string field)
    {
        using var account = await AccountAsync();
        var before = await StateAsync(account.Id);
        var problem = await (await ChangeAsync(account.Client, currentPassword, newPassword.Replace("{email}", account.Email.ToUpperInvariant())))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"No error for {field}: {problem}");
        Assert.Equal(before, await StateAsync(account.Id));
    }

    [Fact]
    public async Task Attempts_are_throttled_per_user_even_with_the_right_password()
    {
        using var account = await AccountAsync();
        for (var i = 0; i < 2; i++)
            await (await ChangeAsync(account.Client, "Wrong-guess-number!" + i, Next)).AssertProblemAsync(HttpStatusCode.BadRequest);

        var limited = await ChangeAsync(account.Client, Current, Next);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("45", Assert.Single(limited.Headers.GetValues("Retry-After")));
        Assert.Equal(0, (await StateAsync(account.Id)).Audit);

        using var other = await AccountAsync();
        await (await ChangeAsync(other.Client, Current, Next)).AssertJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Anonymous_callers_get_401()
    {
        using var anonymous = factory.CreateApiClient();
        await (await ChangeAsync(anonymous, Current, Next)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
