using PartnerWeb.Auth;
using PartnerWeb.Domain;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Home;

public sealed record HomeLink(string Href, string Text, string Description);

public sealed record HomeSection(string Id, string Title, string? Note, IReadOnlyList<HomeLink> Links);

/// <summary>The home page: what the signed-in user's role can do, with links, in the order they would use them.</summary>
public sealed record HomeModel(UserInfo User, IReadOnlyList<HomeSection> Sections)
{
    /// <param name="partner">The status of the user's organisation's partner account, when it has one (owners and admins only).</param>
    public static HomeModel For(UserInfo user, PartnerStatus? partner)
    {
        var admin = UserInfo.IsAdminRole(user.Role);
        var sections = new List<HomeSection>();
        if (user.IsPlatformAdmin)
        {
            sections.Add(new("platform", "Run the platform", null,
            [
                new("/dashboard/admin/partners", "Partners", "applications, commissions, each partner's earnings and payouts"),
                new("/dashboard/admin/billing", "Billing", "every organisation's invoices: mark paid, refund, void"),
                new("/dashboard/admin/payouts", "Payouts", "what every partner is owed: generate, approve, send or mark paid"),
                new("/dashboard/admin/audit", "Audit log", "who changed what, and when"),
                new("/dashboard/admin/tasks", "Dead tasks", "accruals that failed every retry, to retry by hand"),
                new("/hangfire", "Jobs", "background jobs: accruals, payouts, clean-up"),
            ]));
        }
        sections.Add(admin
            ? new("organisation", $"{user.TenantName}", null,
            [
                new("/marketplace", "Marketplace", "browse and buy items; a purchase opens its invoice"),
                new("/billing/invoices", "Invoices", "your invoices; pay open ones by card"),
                new("/marketplace#installs", "Installs", "what your organisation has installed"),
                new("/settings/users", "Users", "add people and set their roles"),
            ])
            : new("organisation", $"{user.TenantName}", "As staff you can look at everything here; an owner or admin buys, pays and manages users.",
            [
                new("/marketplace", "Marketplace", "the items on sale"),
                new("/billing/invoices", "Invoices", "your organisation's invoices"),
                new("/marketplace#installs", "Installs", "what your organisation has installed"),
            ]));
        if (admin && !user.IsPlatformAdmin)
        {
            sections.Add(partner is { } status
                ? new("partner", "Partner", $"Your partner account is {status.ToString().ToLowerInvariant()}.",
                [
                    new("/dashboard/partners", "Partner dashboard", "listings, earnings, payouts and payouts with Stripe"),
                ])
                : new("partner", "Partner", null,
                [
                    new("/dashboard/partners", "Become a partner", "apply, then list your items and earn on every sale"),
                ]));
        }
        sections.Add(new("account", "You", null,
        [
            new("/settings/password", "Password", "change your password"),
            new(ApiDocs.ReferencePath, "API reference", "every API call; sign in there with POST /api/auth/token"),
        ]));
        return new HomeModel(user, sections);
    }
}
