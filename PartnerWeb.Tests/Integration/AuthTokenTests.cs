using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Data;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class AuthTokenTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    [Fact]
    public async Task Token_for_valid_credentials_carries_the_user()
    {
        using var client = factory.CreateApiClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email = "Owner@Platform.example ", password = PartnerWebFactory.Password });

        var json = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Bearer", json.GetProperty("tokenType").GetString());
        Assert.Equal(3600, json.GetProperty("expiresIn").GetInt64());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("accessToken").GetString()));
        var user = json.GetProperty("user");
        Assert.Equal("owner@platform.example", user.GetProperty("email").GetString());
        Assert.Equal("owner", user.GetProperty("role").GetString());
        Assert.Equal("Platform HQ", user.GetProperty("tenantName").GetString());
        Assert.True(user.GetProperty("isPlatformAdmin").GetBoolean());
        Assert.True(Guid.TryParse(user.GetProperty("tenantId").GetString(), out _));
    }

    [Theory]
    [InlineData("owner@platform.example", "wrong-password")]
    [InlineData("nobody@platform.example", "Demo!2345")]
    public async Task Wrong_credentials_get_401_problem(string email, string password)
    {
        using var client = factory.CreateApiClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, password });
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Missing_fields_get_400_with_camelCase_field_errors()
    {
        using var client = factory.CreateApiClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email = "owner@platform.example" });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Theory]
    [InlineData(Demo.PlatformOwner, "owner", true)]
    [InlineData(Demo.PlatformAdmin, "admin", true)]
    [InlineData(Demo.PlatformStaff, "staff", false)]
    [InlineData(Demo.AcmeOwner, "owner", false)]
    [InlineData(Demo.AcmeAdmin, "admin", false)]
    [InlineData(Demo.AcmeStaff, "staff", false)]
    [InlineData(Demo.InitechOwner, "owner", false)]
    [InlineData(Demo.GlobexOwner, "owner", false)]
    [InlineData(Demo.GlobexStaff, "staff", false)]
    [InlineData(Demo.UmbrellaOwner, "owner", false)]
    public async Task Every_demo_user_signs_in_and_me_returns_the_same_user(string email, string role, bool platformAdmin)
    {
        using var client = await factory.ClientAsAsync(email);
        var me = await (await client.GetAsync("/api/auth/me")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(email, me.GetProperty("email").GetString());
        Assert.Equal(role, me.GetProperty("role").GetString());
        Assert.Equal(platformAdmin, me.GetProperty("isPlatformAdmin").GetBoolean());
    }

    [Fact]
    public async Task Me_without_or_with_a_forged_token_is_401_problem()
    {
        using var client = factory.CreateApiClient();
        await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_api_ignores_the_page_cookie()
    {
        // A browser's session cookie must not authenticate API calls (no CSRF through the API).
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await CookieLogin.SignInAsync(client, Demo.PlatformOwner, PartnerWebFactory.Password);
        await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Demo_seed_is_idempotent_across_starts()
    {
        using var scope = factory.Services.CreateScope();
        var seeder = scope.ServiceProvider.GetRequiredService<DemoSeeder>();
        await seeder.SeedAsync(CancellationToken.None);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(5, db.Tenants.Count());
        Assert.Equal(10, db.Users.Count());
        Assert.Equal(1, db.Tenants.Count(t => t.IsPlatform));
    }
}
