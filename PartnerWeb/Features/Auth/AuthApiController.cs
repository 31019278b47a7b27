using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PartnerWeb.Auth;
using PartnerWeb.Infrastructure;
using PartnerWeb.Infrastructure.OpenApi;

namespace PartnerWeb.Features.Auth;

public sealed class TokenRequest
{
    [Required, StringLength(254)]
    public string Email { get; init; } = "";

    [Required, StringLength(200)]
    public string Password { get; init; } = "";
}

[Route("api/auth")]
[Tags("Auth")]
public sealed class AuthApiController(AuthService auth, LoginThrottle throttle, CurrentUser currentUser) : ApiControllerBase
{
    [HttpPost("token")]
    [EndpointName("Auth_CreateToken")]
    [AllowAnonymous]
    [EndpointSummary("Exchange email and password for a bearer token")]
    [ProblemResponse(StatusCodes.Status401Unauthorized)]
    [ProblemResponse(StatusCodes.Status429TooManyRequests)]
    [ProblemResponse(StatusCodes.Status503ServiceUnavailable)]
    public async Task<ActionResult<TokenResponse>> Token(TokenRequest request, CancellationToken ct)
    {
        var (user, refusal) = await throttle.SignInAsync(HttpContext.Connection.RemoteIpAddress, request.Email,
            () => auth.VerifyAsync(request.Email, request.Password, ct), ct);
        if (refusal is not null)
        {
            refusal.WriteHeaders(Response);
            return Problem(refusal.Error);
        }
        return Ok(auth.IssueToken(user!));
    }

    [HttpPost("logout")]
    [EndpointName("Auth_Logout")]
    [Authorize]
    [AllowPendingPasswordChange]
    [EndpointSummary("Sign out everywhere: every token and cookie of the user stops working")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public async Task<IActionResult> Logout(CancellationToken ct)
    {
        await auth.SignOutEverywhereAsync(currentUser.Required, ct);
        return NoContent();
    }

    [HttpGet("me")]
    [EndpointName("Auth_Me")]
    [Authorize]
    [AllowPendingPasswordChange]
    [EndpointSummary("The signed-in user")]
    public ActionResult<UserInfo> Me() => Ok(currentUser.Required);
}
