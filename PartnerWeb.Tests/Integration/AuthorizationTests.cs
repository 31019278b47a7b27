using System.Net;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>An API controller that names no authorization rule at all.</summary>
[ApiController]
[Route("api/test/unannotated")]
public sealed class UnannotatedTestController : ControllerBase
{
    [HttpGet]
    public IActionResult Get() => Ok(new { reached = true });
}

public sealed class FallbackPolicyFactory : PartnerWebFactory
{
    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddControllers().AddApplicationPart(typeof(UnannotatedTestController).Assembly);
}

public sealed class AuthorizationTests(FallbackPolicyFactory factory) : IClassFixture<FallbackPolicyFactory>
{
    [Fact]
    public async Task An_endpoint_without_a_rule_is_closed_to_anonymous_callers()
    {
        using var anonymous = factory.CreateApiClient();
        await (await anonymous.GetAsync("/api/test/unannotated")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var signedIn = await factory.ClientAsAsync(Demo.GlobexStaff);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/api/test/unannotated")).StatusCode);
    }

    [Theory]
    [InlineData(Demo.PlatformStaff)]
    [InlineData(Demo.AcmeStaff)]
    [InlineData(Demo.GlobexStaff)]
    public async Task A_role_that_may_never_read_the_audit_gets_403(string staff)
    {
        using var client = await factory.ClientAsAsync(staff);
        await (await client.GetAsync("/api/audit")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(Demo.PlatformOwner, HttpStatusCode.OK)]
    [InlineData(Demo.PlatformAdmin, HttpStatusCode.OK)]
    [InlineData(Demo.AcmeOwner, HttpStatusCode.OK)]
    [InlineData(Demo.GlobexOwner, HttpStatusCode.NotFound)]
    [InlineData(Demo.InitechOwner, HttpStatusCode.NotFound)]
    public async Task Another_tenants_row_is_404_while_its_owner_and_platform_admins_see_it(string email, HttpStatusCode expected)
    {
        var (eventId, entityId) = await AuditSeed.RecordForTenantAsync(factory, "Acme Templates");

        using var client = await factory.ClientAsAsync(email);
        var response = await client.GetAsync($"/api/audit/{eventId}");
        if (expected == HttpStatusCode.OK)
            Assert.Equal(eventId, (await response.AssertJsonAsync(expected)).GetProperty("id").GetGuid());
        else
            await response.AssertProblemAsync(expected);

        // The list hides it the same way: filtered in the query, not after loading.
        var list = await (await client.GetAsync($"/api/audit?entityId={entityId}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(expected == HttpStatusCode.OK ? 1 : 0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_api_routes_and_wrong_methods_answer_problem_details()
    {
        using var client = await factory.ClientAsAsync(Demo.GlobexOwner);
        await (await client.GetAsync("/api/does-not-exist")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
    }
}
