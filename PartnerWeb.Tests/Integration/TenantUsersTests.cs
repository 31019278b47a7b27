using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;
using PartnerWeb.Features.Audit;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

/// <summary>
/// Issue item 1: a tenant's users through /api/tenants/me/users and, for platform admins,
/// /api/tenants/{tenantId}/users. Mutations happen on fresh child tenants or fresh users, never on the demo
/// users other tests sign in as.
/// </summary>
public sealed class TenantUsersTests(PartnerWebFactory factory) : IClassFixture<PartnerWebFactory>
{
    private const string Password = "A-new-team-member!1";

    private sealed record FreshTenant(HttpClient Owner, Guid TenantId, Guid OwnerId, string OwnerEmail) : IDisposable
    {
        public void Dispose() => Owner.Dispose();
    }

    /// <summary>A new child tenant of Umbrella; its owner has set their own password and is signed in.</summary>
    private async Task<FreshTenant> FreshTenantAsync()
    {
        using var umbrella = await factory.ClientAsAsync(Demo.UmbrellaOwner);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var email = $"owner-{suffix}@users.example";
        var owner = factory.CreateApiClient();
        var (created, token) = await Flows.ChildTenantAsync(umbrella, owner, $"Users {suffix}", email);
        owner.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return new FreshTenant(owner, created.GetProperty("tenant").GetProperty("id").GetGuid(), created.GetProperty("ownerUserId").GetGuid(), email);
    }

    private Task<Guid> TenantIdAsync(string name) => Flows.QueryAsync(factory, db => db.Tenants.Where(t => t.Name == name).Select(t => t.Id).SingleAsync());

    private Task<User?> UserAsync(Guid id) => Flows.QueryAsync(factory, db => db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id));

    private Task<List<AuditEvent>> AuditOfAsync(Guid entityId) =>
        Flows.QueryAsync(factory, db => db.AuditEvents.AsNoTracking().Where(a => a.EntityId == entityId).OrderBy(a => a.CreatedAt).ToListAsync());

    private Task<(int Users, int Audit)> CountsAsync() =>
        Flows.QueryAsync(factory, async db => (await db.Users.CountAsync(), await db.AuditEvents.CountAsync()));

    /// <summary>A staff user written straight to the database (the API's own creation is tested on its own).</summary>
    private Task<Guid> StaffOfAsync(Guid tenantId, UserRole role = UserRole.Staff) => Flows.QueryAsync(factory, async db =>
    {
        var user = new User { Id = Guid.CreateVersion7(), TenantId = tenantId, Email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@users.example", Role = role, PasswordHash = "x", CreatedAt = DateTime.UtcNow };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    });

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, string path, string role) => client.PatchAsJsonAsync(path, new { role });

    [Fact]
    public async Task An_owner_lists_adds_changes_and_removes_users_and_each_change_is_audited_in_its_transaction()
    {
        using var tenant = await FreshTenantAsync();
        var list = await (await tenant.Owner.GetAsync("/api/tenants/me/users")).AssertJsonAsync(HttpStatusCode.OK);
        var only = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal((tenant.OwnerId, "owner", false), (only.GetProperty("id").GetGuid(), only.GetProperty("role").GetString(), only.GetProperty("mustChangePassword").GetBoolean()));
        Assert.False(list.GetProperty("hasMore").GetBoolean());

        var response = await tenant.Owner.PostAsJsonAsync("/api/tenants/me/users", new { email = "  New.Member@Users.Example ", role = "staff", password = Password });
        var created = await response.AssertJsonAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(("new.member@users.example", "staff", tenant.TenantId, true),
            (created.GetProperty("email").GetString(), created.GetProperty("role").GetString(), created.GetProperty("tenantId").GetGuid(), created.GetProperty("mustChangePassword").GetBoolean()));
        Assert.Equal($"/api/tenants/me/users/{id}", response.Headers.Location?.OriginalString);
        var stampAtCreation = (await UserAsync(id))!.SecurityStamp;

        await (await PatchAsync(tenant.Owner, $"/api/tenants/me/users/{id}", "admin")).AssertJsonAsync(HttpStatusCode.OK);
        var promoted = (await UserAsync(id))!;
        Assert.Equal(UserRole.Admin, promoted.Role);
        Assert.NotEqual(stampAtCreation, promoted.SecurityStamp);
        // The same role again changes nothing and records nothing.
        var unchanged = await (await PatchAsync(tenant.Owner, $"/api/tenants/me/users/{id}", "admin")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("admin", unchanged.GetProperty("role").GetString());
        Assert.Equal(promoted.SecurityStamp, (await UserAsync(id))!.SecurityStamp);

        var removed = await tenant.Owner.DeleteAsync($"/api/tenants/me/users/{id}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Null(await UserAsync(id));

        var audit = await AuditOfAsync(id);
        Assert.Equal([AuditActions.UserCreated, AuditActions.UserRoleChanged, AuditActions.UserRemoved], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal((tenant.TenantId, tenant.OwnerId, "User"), (a.TenantId!.Value, a.ActorUserId!.Value, a.EntityType)));
        var change = JsonDocument.Parse(audit[1].Data).RootElement;
        Assert.Equal(("staff", "admin"), (change.GetProperty("from").GetString(), change.GetProperty("to").GetString()));
        Assert.DoesNotContain(Password, audit[0].Data);
        Assert.Equal("new.member@users.example", JsonDocument.Parse(audit[2].Data).RootElement.GetProperty("email").GetString());
    }

    [Fact]
    public async Task The_last_owner_can_be_neither_demoted_nor_removed_and_nobody_removes_themselves()
    {
        using var tenant = await FreshTenantAsync();
        using var platform = await factory.ClientAsAsync(Demo.PlatformOwner);
        var before = await CountsAsync();

        await (await PatchAsync(tenant.Owner, $"/api/tenants/me/users/{tenant.OwnerId}", "admin")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await PatchAsync(platform, $"/api/tenants/{tenant.TenantId}/users/{tenant.OwnerId}", "staff")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await platform.DeleteAsync($"/api/tenants/{tenant.TenantId}/users/{tenant.OwnerId}")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await tenant.Owner.DeleteAsync($"/api/tenants/me/users/{tenant.OwnerId}")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(UserRole.Owner, (await UserAsync(tenant.OwnerId))!.Role);

        // With a second owner, either may be demoted or removed, until one is left again.
        var second = (await (await tenant.Owner.PostAsJsonAsync("/api/tenants/me/users", new { email = $"second-{Guid.NewGuid():N}@users.example", role = "owner", password = Password }))
            .AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await (await tenant.Owner.DeleteAsync($"/api/tenants/me/users/{tenant.OwnerId}")).AssertProblemAsync(HttpStatusCode.Conflict); // still not themselves
        await (await PatchAsync(platform, $"/api/tenants/{tenant.TenantId}/users/{second}", "admin")).AssertJsonAsync(HttpStatusCode.OK);
        await (await PatchAsync(tenant.Owner, $"/api/tenants/me/users/{tenant.OwnerId}", "staff")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await PatchAsync(platform, $"/api/tenants/{tenant.TenantId}/users/{second}", "owner")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await platform.DeleteAsync($"/api/tenants/{tenant.TenantId}/users/{second}")).StatusCode);
        await (await platform.DeleteAsync($"/api/tenants/{tenant.TenantId}/users/{tenant.OwnerId}")).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Two_owners_demoting_each_other_at_once_leave_one_owner()
    {
        using var tenant = await FreshTenantAsync();
        using var platform = await factory.ClientAsAsync(Demo.PlatformOwner);
        var second = (await (await tenant.Owner.PostAsJsonAsync("/api/tenants/me/users", new { email = $"race-{Guid.NewGuid():N}@users.example", role = "owner", password = Password }))
            .AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var answers = await Task.WhenAll(
            PatchAsync(platform, $"/api/tenants/{tenant.TenantId}/users/{tenant.OwnerId}", "admin"),
            PatchAsync(platform, $"/api/tenants/{tenant.TenantId}/users/{second}", "admin"));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        Assert.Equal(1, await Flows.QueryAsync(factory, db => db.Users.CountAsync(u => u.TenantId == tenant.TenantId && u.Role == UserRole.Owner)));
    }

    [Fact]
    public async Task A_tenant_admin_adds_and_removes_staff_only()
    {
        using var admin = await factory.ClientAsAsync(Demo.AcmeAdmin);
        var acme = await TenantIdAsync("Acme Templates");
        var (acmeOwner, acmeAdmin) = await Flows.QueryAsync(factory, async db => (
            await db.Users.Where(u => u.Email == Demo.AcmeOwner).Select(u => u.Id).SingleAsync(),
            await db.Users.Where(u => u.Email == Demo.AcmeAdmin).Select(u => u.Id).SingleAsync()));
        var staff = await StaffOfAsync(acme);
        var otherAdmin = await StaffOfAsync(acme, UserRole.Admin);
        var before = await CountsAsync();

        foreach (var role in new[] { "owner", "admin" })
            await (await admin.PostAsJsonAsync("/api/tenants/me/users", new { email = $"{role}-{Guid.NewGuid():N}@users.example", role, password = Password }))
                .AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await PatchAsync(admin, $"/api/tenants/me/users/{staff}", "admin")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await PatchAsync(admin, $"/api/tenants/me/users/{otherAdmin}", "staff")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await PatchAsync(admin, $"/api/tenants/me/users/{acmeAdmin}", "owner")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.DeleteAsync($"/api/tenants/me/users/{acmeOwner}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.DeleteAsync($"/api/tenants/me/users/{otherAdmin}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await CountsAsync());

        var created = await (await admin.PostAsJsonAsync("/api/tenants/me/users", new { email = $"staff-{Guid.NewGuid():N}@users.example", role = "staff", password = Password }))
            .AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal("staff", created.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/tenants/me/users/{staff}")).StatusCode);
        var list = await (await admin.GetAsync("/api/tenants/me/users?limit=200")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.All(list.GetProperty("items").EnumerateArray(), u => Assert.Equal(acme, u.GetProperty("tenantId").GetGuid()));
        Assert.Contains(list.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetGuid() == acmeOwner);
    }

    [Fact]
    public async Task Staff_get_403_on_every_users_route()
    {
        using var staff = await factory.ClientAsAsync(Demo.AcmeStaff);
        var acme = await TenantIdAsync("Acme Templates");
        var target = await StaffOfAsync(acme);
        var before = await CountsAsync();
        var body = new { email = $"x-{Guid.NewGuid():N}@users.example", role = "staff", password = Password };

        await (await staff.GetAsync("/api/tenants/me/users")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await staff.PostAsJsonAsync("/api/tenants/me/users", body)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await PatchAsync(staff, $"/api/tenants/me/users/{target}", "staff")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await staff.DeleteAsync($"/api/tenants/me/users/{target}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await staff.GetAsync($"/api/tenants/{acme}/users")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await staff.PostAsJsonAsync($"/api/tenants/{acme}/users", body)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await staff.DeleteAsync($"/api/tenants/{acme}/users/{target}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Another_tenants_user_is_not_found_and_tenant_routes_are_for_platform_admins()
    {
        var (acme, globex) = (await TenantIdAsync("Acme Templates"), await TenantIdAsync("Globex"));
        var globexStaff = await StaffOfAsync(globex);
        using var acmeOwner = await factory.ClientAsAsync(Demo.AcmeOwner);
        using var platform = await factory.ClientAsAsync(Demo.PlatformAdmin);
        var before = await CountsAsync();

        await (await PatchAsync(acmeOwner, $"/api/tenants/me/users/{globexStaff}", "admin")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await acmeOwner.DeleteAsync($"/api/tenants/me/users/{globexStaff}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await acmeOwner.GetAsync($"/api/tenants/{globex}/users")).AssertProblemAsync(HttpStatusCode.Forbidden);
        // A platform admin's /me is the platform tenant, and a user asked for under the wrong tenant is not there.
        await (await platform.DeleteAsync($"/api/tenants/me/users/{globexStaff}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await platform.DeleteAsync($"/api/tenants/{acme}/users/{globexStaff}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await platform.GetAsync($"/api/tenants/{Guid.NewGuid()}/users")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await platform.PostAsJsonAsync($"/api/tenants/{Guid.NewGuid()}/users", new { email = $"ghost-{Guid.NewGuid():N}@users.example", role = "staff", password = Password }))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, await CountsAsync());
        Assert.NotNull(await UserAsync(globexStaff));

        var list = await (await platform.GetAsync($"/api/tenants/{globex}/users")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.All(list.GetProperty("items").EnumerateArray(), u => Assert.Equal(globex, u.GetProperty("tenantId").GetGuid()));
        Assert.Contains(list.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetGuid() == globexStaff);
    }

    [Fact]
    public async Task Platform_admins_act_as_owners_of_other_tenants_but_by_their_own_role_on_the_platform()
    {
        var (globex, platformTenant) = (await TenantIdAsync("Globex"), await TenantIdAsync("Platform HQ"));
        using var platformAdmin = await factory.ClientAsAsync(Demo.PlatformAdmin);
        object Body(string role) => new { email = $"{role}-{Guid.NewGuid():N}@users.example", role, password = Password };

        var owner = await (await platformAdmin.PostAsJsonAsync($"/api/tenants/{globex}/users", Body("owner"))).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal((globex, "owner"), (owner.GetProperty("tenantId").GetGuid(), owner.GetProperty("role").GetString()));
        var audit = Assert.Single(await AuditOfAsync(owner.GetProperty("id").GetGuid()));
        Assert.Equal((AuditActions.UserCreated, globex), (audit.Action, audit.TenantId!.Value));

        await (await platformAdmin.PostAsJsonAsync($"/api/tenants/{platformTenant}/users", Body("owner"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await platformAdmin.PostAsJsonAsync("/api/tenants/me/users", Body("admin"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await platformAdmin.PostAsJsonAsync($"/api/tenants/{platformTenant}/users", Body("staff"))).AssertJsonAsync(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("""{"role":"staff","password":"A-new-team-member!1"}""", "email")]
    [InlineData("""{"email":"not-an-email","role":"staff","password":"A-new-team-member!1"}""", "email")]
    [InlineData("""{"email":"a@users.example","role":"boss","password":"A-new-team-member!1"}""", "role")]
    [InlineData("""{"email":"a@users.example","password":"A-new-team-member!1"}""", "role")]
    [InlineData("""{"email":"a@users.example","role":"staff"}""", "password")]
    [InlineData("""{"email":"a@users.example","role":"staff","password":"Short!1"}""", "password")]
    [InlineData("""{"email":"long-enough@users.example","role":"staff","password":"Long-Enough@Users.Example"}""", "password")]
    [InlineData("""{"email":"a@users.example","role":"staff","password":"Password1234"}""", "password")]
    public async Task Bad_input_is_a_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        using var owner = await factory.ClientAsAsync(Demo.InitechOwner);
        var before = await CountsAsync();
        var response = await owner.PostAsync("/api/tenants/me/users", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        // A value JSON cannot convert is named like any other field ("role", not "$.role").
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"No error for {field}: {problem}");
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_taken_email_is_a_409_in_any_case_and_a_bad_role_change_a_400()
    {
        using var owner = await factory.ClientAsAsync(Demo.InitechOwner);
        var before = await CountsAsync();
        await (await owner.PostAsJsonAsync("/api/tenants/me/users", new { email = " OWNER@Globex.example", role = "staff", password = Password }))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        var initech = await TenantIdAsync("Initech Add-ons");
        var staff = await StaffOfAsync(initech);
        await (await owner.PatchAsJsonAsync($"/api/tenants/me/users/{staff}", new { })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await PatchAsync(owner, $"/api/tenants/me/users/{staff}", "root")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal((before.Users + 1, before.Audit), await CountsAsync());
        Assert.Equal(UserRole.Staff, (await UserAsync(staff))!.Role);
    }
}
