using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Auth;

[Route("api/auth")]
[Tags("Auth")]
public sealed class PasswordApiController(PasswordService passwords, AuthService auth) : ApiControllerBase
{
    /// <summary>The change revokes every earlier token of the user (its stamp changes), so the answer carries a new one.</summary>
    [HttpPost("password")]
    [EndpointName("Auth_ChangePassword")]
    [Authorize]
    [AllowPendingPasswordChange]
    [EndpointSummary("Change your own password; answers a fresh token")]
    [ProblemResponse(StatusCodes.Status404NotFound)]
    [ProblemResponse(StatusCodes.Status429TooManyRequests)]
    [ProblemResponse(StatusCodes.Status503ServiceUnavailable)]
    public async Task<ActionResult<TokenResponse>> Change(ChangePasswordRequest request, CancellationToken ct)
    {
        var (result, refusal) = await passwords.ChangeAsync(request.CurrentPassword!, request.NewPassword!, ct);
        refusal?.WriteHeaders(Response);
        return From(result, user => Ok(auth.IssueToken(user)));
    }
}
